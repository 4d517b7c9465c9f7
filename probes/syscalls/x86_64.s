/* x86-64: the system call probe (see README in this directory).  syscall,
 * number in %rax (write 1, exit 60), arguments %rdi %rsi %rdx %r10 %r8 %r9,
 * result %rax; syscall itself clobbers %rcx and %r11. */
	.text
	.globl _start
_start:
	lea	data(%rip), %rbx
	mov	8(%rbx), %r12		# the number of entries
	lea	16(%rbx), %r13		# the first entry
	mov	$1, %eax		# write(1, data, 16): the header
	mov	$1, %edi
	mov	%rbx, %rsi
	mov	$16, %edx
	syscall
	sub	$32, %rsp
1:	test	%r12, %r12
	jz	2f
	mov	(%r13), %rax
	mov	8(%r13), %rdi
	mov	16(%r13), %rsi
	mov	24(%r13), %rdx
	mov	32(%r13), %r10
	mov	40(%r13), %r8
	mov	48(%r13), %r9
	syscall
	mov	(%r13), %rcx		# the record: number, result, 0
	mov	%rcx, (%rsp)
	mov	%rax, 8(%rsp)
	movq	$0, 16(%rsp)
	mov	$1, %eax
	mov	$1, %edi
	mov	%rsp, %rsi
	mov	$24, %edx
	syscall
	add	$56, %r13
	dec	%r12
	jmp	1b
2:	mov	$60, %eax
	xor	%edi, %edi
	syscall
	.balign	8
data:
