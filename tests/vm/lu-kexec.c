// SPDX-License-Identifier: GPL-2.0
/*
 * lu-kexec KERNEL INITRD CMDLINE
 *
 * Load KERNEL and INITRD with kexec_file_load() (the only kexec path that
 * carries KHO state) and reboot into them at once.
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

	if (argc != 4) {
		fprintf(stderr, "usage: %s KERNEL INITRD CMDLINE\n", argv[0]);
		return 2;
	}

	kfd = open(argv[1], O_RDONLY);
	ifd = open(argv[2], O_RDONLY);
	if (kfd < 0 || ifd < 0) {
		fprintf(stderr, "lu-kexec: cannot open %s or %s: %s\n",
			argv[1], argv[2], strerror(errno));
		return 1;
	}

	if (syscall(SYS_kexec_file_load, kfd, ifd, strlen(argv[3]) + 1,
		    argv[3], 0UL)) {
		fprintf(stderr, "lu-kexec: kexec_file_load: %s\n",
			strerror(errno));
		return 1;
	}

	printf("# lu-kexec: loaded, rebooting\n");
	fflush(stdout);
	sync();
	reboot(RB_KEXEC);
	fprintf(stderr, "lu-kexec: reboot(RB_KEXEC): %s\n", strerror(errno));
	return 1;
}
