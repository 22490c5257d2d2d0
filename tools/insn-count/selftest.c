// SPDX-License-Identifier: GPL-2.0
/*
 * The plugin's own check, run in the guest: regions of 0, N and 2N turns of
 * a loop whose body is a fixed number of instructions, each several times.
 * Counted right, the three differ by exactly the same amount every time.
 * Usage: selftest N REPEATS
 */
#include <stdio.h>
#include <stdlib.h>

static void region(unsigned long turns)
{
	unsigned long i = turns;

	__asm__ volatile("xchg %%bx, %%bx\n\t"
			 "test %0, %0\n\t"
			 "jz 2f\n"
			 "1:\n\t"
			 "dec %0\n\t"
			 "jnz 1b\n"
			 "2:\n\t"
			 "xchg %%cx, %%cx"
			 : "+r"(i) : : "cc", "memory");
}

int main(int argc, char **argv)
{
	unsigned long n, reps, r;

	if (argc != 3)
		return 2;
	n = strtoul(argv[1], NULL, 0);
	reps = strtoul(argv[2], NULL, 0);
	for (r = 0; r < reps; r++) {
		region(0);
		region(n);
		region(2 * n);
	}
	printf("selftest: %lu rounds of 0, %lu, %lu turns\n", reps, n, 2 * n);
	return 0;
}
