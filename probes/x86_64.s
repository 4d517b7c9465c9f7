/* x86-64: write(1, msg, len); exit(0).  Syscall number in %rax (write 1, exit 60). */
	.text
	.globl _start
_start:
	mov	$1, %eax
	mov	$1, %edi
	lea	msg(%rip), %rsi
	mov	$(msg_end - msg), %edx
	syscall
	mov	$60, %eax
	xor	%edi, %edi
	syscall
msg:	TOKEN
msg_end:
