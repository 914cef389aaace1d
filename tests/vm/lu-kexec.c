// SPDX-License-Identifier: GPL-2.0
/*
 * lu-kexec load KERNEL INITRD CMDLINE
 *	Load KERNEL and INITRD with kexec_file_load(), the only kexec path
 *	that carries KHO state.
 * lu-kexec exec
 *	Reboot into the loaded kernel.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/reboot.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char *argv[])
{
	int kfd, ifd;

	if (argc == 2 && !strcmp(argv[1], "exec")) {
		sync();
		reboot(RB_KEXEC);
		fprintf(stderr, "lu-kexec: reboot(RB_KEXEC): %s\n", strerror(errno));
		return 1;
	}
	if (argc != 5 || strcmp(argv[1], "load")) {
		fprintf(stderr, "usage: %s load KERNEL INITRD CMDLINE | exec\n", argv[0]);
		return 2;
	}

	kfd = open(argv[2], O_RDONLY);
	ifd = open(argv[3], O_RDONLY);
	if (kfd < 0 || ifd < 0) {
		fprintf(stderr, "lu-kexec: cannot open %s or %s: %s\n",
			argv[2], argv[3], strerror(errno));
		return 1;
	}
	if (syscall(SYS_kexec_file_load, kfd, ifd, strlen(argv[4]) + 1,
		    argv[4], 0UL)) {
		fprintf(stderr, "lu-kexec: kexec_file_load: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}
