/* SPDX-License-Identifier: MIT */
/* qus: the command line is qus.c's; this file is only the process's entry. */
#include "commands.h"

int main(int argc, char **argv)
{
	return qus_main(argc, argv);
}
