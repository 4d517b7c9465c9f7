/* i386: the system call probe (see README in this directory).  int $0x80,
 * number in %eax (write 4, exit 1), arguments %ebx %ecx %edx %esi %edi
 * %ebp, result %eax.  The six arguments take every register but %esp, so
 * the entry pointer and the count live on the stack; call/pop finds where
 * we are (no PC-relative addressing in 32-bit mode). */
	.text
	.globl _start
_start:
	call	1f
1:	pop	%ecx
	add	$(data - 1b), %ecx
	sub	$32, %esp
	mov	4(%ecx), %eax
	mov	%eax, 16(%esp)		# the number of entries
	lea	8(%ecx), %eax
	mov	%eax, 12(%esp)		# the first entry
	mov	$4, %eax		# write(1, data, 8): the header
	mov	$1, %ebx
	mov	$8, %edx
	int	$0x80
2:	cmpl	$0, 16(%esp)
	je	3f
	mov	12(%esp), %eax
	mov	4(%eax), %ebx
	mov	8(%eax), %ecx
	mov	12(%eax), %edx
	mov	16(%eax), %esi
	mov	20(%eax), %edi
	mov	24(%eax), %ebp
	mov	(%eax), %eax
	int	$0x80
	mov	12(%esp), %ecx		# the record: number, result, 0
	mov	(%ecx), %ecx
	mov	%ecx, (%esp)
	mov	%eax, 4(%esp)
	movl	$0, 8(%esp)
	mov	$4, %eax
	mov	$1, %ebx
	mov	%esp, %ecx
	mov	$12, %edx
	int	$0x80
	addl	$28, 12(%esp)
	decl	16(%esp)
	jmp	2b
3:	mov	$1, %eax
	xor	%ebx, %ebx
	int	$0x80
	.balign	8
data:
