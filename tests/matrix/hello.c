/* The test matrix's program: built static with each cross compiler. */
#include <stdio.h>

int main(void)
{
	puts("Hello World!");
	return 0;
}
