// Validate CycloneDX JSON documents against the schemas of CycloneDX's own
// library (@cyclonedx/cyclonedx-library: its JsonStrictValidator, the
// official bom-1.x schemas with ajv; it never fetches a schema).  The
// packages are where setup.sh installed them (QUS_NPM, default
// /var/cache/qus-tests/npm).
//   node tests/lib/validate-cdx.js FILE...   exit 0 all valid, 1 one is not, 2 no library
'use strict'
const { createRequire } = require('node:module')
const fs = require('node:fs')
const dir = process.env.QUS_NPM || '/var/cache/qus-tests/npm'
let lib
try {
  lib = createRequire(dir + '/package.json')('@cyclonedx/cyclonedx-library')
} catch (e) {
  console.log(`no @cyclonedx/cyclonedx-library in ${dir}: ${e.message}`)
  process.exit(2)
}
;(async () => {
  const validators = {}
  let bad = 0
  for (const f of process.argv.slice(2)) {
    const text = fs.readFileSync(f, 'utf-8')
    const ver = JSON.parse(text).specVersion
    validators[ver] ??= new lib.Validation.JsonStrictValidator(ver)
    const err = await validators[ver].validate(text)
    if (err === null) {
      console.log(`${f}: valid CycloneDX ${ver}`)
    } else {
      bad++
      console.log(`${f}: INVALID CycloneDX ${ver}: ${JSON.stringify(err)}`)
    }
  }
  process.exit(bad ? 1 : 0)
})()
