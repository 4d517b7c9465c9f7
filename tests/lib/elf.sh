# shellcheck shell=bash
# A 32-bit ELF executable around code bytes that need no linking (the probes,
# the hand-encoded programs of the test matrix), laid out as qus lays out
# its probes (src/core/probe.c): ELF header, one PT_LOAD program header,
# the code at 0x400054.

# Bytes as printf escapes: bytes VALUE WIDTH ORDER (-EB or -EL).
bytes() {
	local i b s=
	for ((i = 0; i < $2; i++)); do
		if [ "$3" = -EB ]; then b=$((($1 >> (8 * ($2 - 1 - i))) & 255)); else b=$((($1 >> (8 * i)) & 255)); fi
		s+=$(printf '\\x%02x' "$b")
	done
	printf '%s' "$s"
}

# elf32_exec OUTPUT MACHINE ORDER E_FLAGS ENTRY CODE: the executable OUTPUT
# for e_machine MACHINE in byte order ORDER (-EB or -EL), its entry point
# at offset ENTRY of the code in file CODE.
elf32_exec() {
	local out=$1 machine=$2 o=$3 eflags=$4 entry=$5 code=$6 total f
	total=$((84 + $(stat -c %s "$code")))
	# e_ident: magic, ELFCLASS32, the data encoding, EV_CURRENT, padding.
	f=$(bytes 0x7f454c46 4 -EB)$(bytes 1 1 "$o")$(bytes "$([ "$o" = -EB ] && echo 2 || echo 1)" 1 "$o")
	f+=$(bytes 1 1 "$o")$(bytes 0 4 "$o")$(bytes 0 4 "$o")$(bytes 0 1 "$o")
	# e_type ET_EXEC, e_machine, e_version, e_entry, e_phoff, e_shoff, e_flags,
	# e_ehsize, e_phentsize, e_phnum 1, e_shentsize, e_shnum, e_shstrndx.
	f+=$(bytes 2 2 "$o")$(bytes "$machine" 2 "$o")$(bytes 1 4 "$o")$(bytes $((0x400054 + entry)) 4 "$o")
	f+=$(bytes 52 4 "$o")$(bytes 0 4 "$o")$(bytes "$eflags" 4 "$o")$(bytes 52 2 "$o")$(bytes 32 2 "$o")
	f+=$(bytes 1 2 "$o")$(bytes 0 2 "$o")$(bytes 0 2 "$o")$(bytes 0 2 "$o")
	# PT_LOAD: p_type, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_flags R+X, p_align.
	f+=$(bytes 1 4 "$o")$(bytes 0 4 "$o")$(bytes 0x400000 4 "$o")$(bytes 0x400000 4 "$o")
	f+=$(bytes "$total" 4 "$o")$(bytes "$total" 4 "$o")$(bytes 5 4 "$o")$(bytes 0x10000 4 "$o")
	{ printf '%b' "$f" && cat "$code"; } >"$out"
	chmod +x "$out"
}
