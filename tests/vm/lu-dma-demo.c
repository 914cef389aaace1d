// SPDX-License-Identifier: GPL-2.0
/*
 * lu-dma-demo: what happens to a VFIO device's DMA across a kexec.
 *
 *   lu-dma-demo stage1 BDF
 *	Preserve a memfd ("guest RAM") in the LUO session "lu-demo", map it
 *	through iommufd for QEMU's edu device at BDF (VFIO cdev), check one
 *	DMA round trip through the IOMMU, and load a recognisable cookie
 *	into the device's buffer.  Then fork a holder that keeps every file
 *	open and writes its pid to /tmp/lu-kexec-hook: when the harness has
 *	loaded the next kernel it sends SIGUSR1, and the holder starts a
 *	device-to-memory DMA of the cookie into the memfd and reboots into
 *	the loaded kernel at once, so the DMA is in flight during the kexec.
 *
 *   lu-dma-demo stage2 BDF
 *	Retrieve the memfd from the session and report, as observed, whether
 *	the DMA landed, and the state the new kernel gave the device.
 *
 * Observations are printed as "# demo: key=value" lines; each step is a
 * KTAP result.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/reboot.h>
#include <linux/iommufd.h>
#include <linux/liveupdate.h>
#include <linux/pci_regs.h>
#include <linux/vfio.h>

#define SESSION		"lu-demo"
#define MEMFD_TOKEN	1
#define PAGE		4096UL
#define MEMFD_SIZE	(16 * PAGE)
#define IOVA_BASE	0x10000000UL

/* memfd pages */
#define PG_SRC		0	/* source of the round trip */
#define PG_DST		1	/* destination of the round trip */
#define PG_COOKIE	2	/* the cookie, read by the device before kexec */
#define PG_INFLIGHT	3	/* destination of the in-flight DMA */
#define COOKIE_LEN	256

/* edu registers (BAR0) */
#define EDU_DMA_SRC	0x80
#define EDU_DMA_DST	0x88
#define EDU_DMA_CNT	0x90
#define EDU_DMA_CMD	0x98
#define EDU_CMD_RUN	0x1
#define EDU_CMD_TO_RAM	0x2
#define EDU_BUF		0x40000

static int ntest;

static void result(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d ", ok ? "" : "not ", ++ntest);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static void __attribute__((noreturn)) die(const char *what)
{
	printf("# %s: %s\n", what, strerror(errno));
	result(0, "%s", what);
	printf("1..%d\n", ntest);
	exit(1);
}

static int luo_session(int create)
{
	struct liveupdate_ioctl_create_session arg = { .size = sizeof(arg) };
	int luo = open("/dev/liveupdate", O_RDWR);

	if (luo < 0)
		die("open /dev/liveupdate");
	strcpy((char *)arg.name, SESSION);
	if (ioctl(luo, create ? LIVEUPDATE_IOCTL_CREATE_SESSION :
				LIVEUPDATE_IOCTL_RETRIEVE_SESSION, &arg))
		die(create ? "create LUO session" : "retrieve LUO session");
	return arg.fd;
}

static uint16_t config_read16(const char *bdf, int off)
{
	char path[128];
	uint16_t v = 0xffff;
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", bdf);
	fd = open(path, O_RDONLY);
	if (fd < 0 || pread(fd, &v, 2, off) != 2)
		die("read PCI config space");
	close(fd);
	return v;
}

static void report_group_type(const char *bdf)
{
	char path[128], type[32] = "none";
	FILE *f;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group/type", bdf);
	f = fopen(path, "r");
	if (f) {
		if (!fgets(type, sizeof(type), f))
			strcpy(type, "unknown");
		type[strcspn(type, "\n")] = 0;
		fclose(f);
	}
	printf("# demo: iommu_group_default_domain=%s\n", type);
}

static void report_bus_master(const char *bdf, const char *when)
{
	uint16_t cmd = config_read16(bdf, PCI_COMMAND);

	printf("# demo: %s_pci_command=0x%04x bus_master=%s\n", when, cmd,
	       (cmd & PCI_COMMAND_MASTER) ? "on" : "off");
}

struct dev {
	int iommufd, vfio;
	uint32_t ioas;
	volatile uint8_t *bar;
};

static void edu_wait(struct dev *d)
{
	struct timespec ts = { 0, 1000000 };
	int i;

	for (i = 0; i < 10000; i++) {
		if (!(*(volatile uint64_t *)(d->bar + EDU_DMA_CMD) & EDU_CMD_RUN))
			return;
		nanosleep(&ts, NULL);
	}
	errno = ETIMEDOUT;
	die("edu DMA did not complete");
}

static void edu_start(struct dev *d, uint64_t src, uint64_t dst, uint64_t len,
		      uint64_t cmd)
{
	*(volatile uint64_t *)(d->bar + EDU_DMA_SRC) = src;
	*(volatile uint64_t *)(d->bar + EDU_DMA_DST) = dst;
	*(volatile uint64_t *)(d->bar + EDU_DMA_CNT) = len;
	__sync_synchronize();
	*(volatile uint64_t *)(d->bar + EDU_DMA_CMD) = cmd | EDU_CMD_RUN;
}

static void open_device(struct dev *d, const char *bdf, int memfd)
{
	struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind) };
	struct vfio_device_attach_iommufd_pt attach = { .argsz = sizeof(attach) };
	struct vfio_region_info bar = { .argsz = sizeof(bar), .index = 0 };
	struct vfio_region_info cfg = { .argsz = sizeof(cfg),
					 .index = VFIO_PCI_CONFIG_REGION_INDEX };
	struct iommu_ioas_alloc alloc = { .size = sizeof(alloc) };
	struct iommu_ioas_map_file map = { .size = sizeof(map) };
	struct dirent *de;
	char path[320];
	uint16_t cmd;
	DIR *dir;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vfio-dev", bdf);
	dir = opendir(path);
	if (!dir)
		die("find the VFIO cdev (is the device bound to vfio-pci?)");
	while ((de = readdir(dir)) && strncmp(de->d_name, "vfio", 4))
		;
	if (!de)
		die("find the VFIO cdev");
	snprintf(path, sizeof(path), "/dev/vfio/devices/%s", de->d_name);
	closedir(dir);

	d->iommufd = open("/dev/iommu", O_RDWR);
	if (d->iommufd < 0)
		die("open /dev/iommu");
	if (ioctl(d->iommufd, IOMMU_IOAS_ALLOC, &alloc))
		die("IOMMU_IOAS_ALLOC");
	d->ioas = alloc.out_ioas_id;

	map.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
		    IOMMU_IOAS_MAP_WRITEABLE;
	map.ioas_id = d->ioas;
	map.fd = memfd;
	map.start = 0;
	map.length = MEMFD_SIZE;
	map.iova = IOVA_BASE;
	if (ioctl(d->iommufd, IOMMU_IOAS_MAP_FILE, &map))
		die("IOMMU_IOAS_MAP_FILE");

	d->vfio = open(path, O_RDWR);
	if (d->vfio < 0)
		die("open the VFIO cdev");
	bind.iommufd = d->iommufd;
	if (ioctl(d->vfio, VFIO_DEVICE_BIND_IOMMUFD, &bind))
		die("VFIO_DEVICE_BIND_IOMMUFD");
	attach.pt_id = d->ioas;
	if (ioctl(d->vfio, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &attach))
		die("VFIO_DEVICE_ATTACH_IOMMUFD_PT");
	printf("# demo: vfio_cdev=%s iommufd_ioas=%u hwpt=%u iova=0x%lx size=0x%lx\n",
	       path, d->ioas, attach.pt_id, IOVA_BASE, MEMFD_SIZE);

	if (ioctl(d->vfio, VFIO_DEVICE_GET_REGION_INFO, &bar) ||
	    ioctl(d->vfio, VFIO_DEVICE_GET_REGION_INFO, &cfg))
		die("VFIO_DEVICE_GET_REGION_INFO");
	d->bar = mmap(NULL, bar.size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      d->vfio, bar.offset);
	if (d->bar == MAP_FAILED)
		die("mmap BAR0");

	if (pread(d->vfio, &cmd, 2, cfg.offset + PCI_COMMAND) != 2)
		die("read PCI_COMMAND");
	cmd |= PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
	if (pwrite(d->vfio, &cmd, 2, cfg.offset + PCI_COMMAND) != 2)
		die("write PCI_COMMAND");
}

static volatile sig_atomic_t kicked;

static void on_kick(int sig)
{
	kicked = 1;
}

static int stage1(const char *bdf)
{
	struct liveupdate_session_preserve_fd pres = { .size = sizeof(pres) };
	struct dev d;
	uint8_t *ram;
	int session, memfd, i;
	char cookie[COOKIE_LEN];
	sigset_t set, old;
	pid_t pid;
	FILE *f;

	session = luo_session(1);
	memfd = memfd_create("guest-ram", MFD_ALLOW_SEALING);
	if (memfd < 0 || ftruncate(memfd, MEMFD_SIZE))
		die("memfd");
	ram = mmap(NULL, MEMFD_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
	if (ram == MAP_FAILED)
		die("mmap memfd");
	for (i = 0; i < PAGE; i++)
		ram[PG_SRC * PAGE + i] = i * 7 + 1;
	memset(ram + PG_DST * PAGE, 0, PAGE);
	memset(ram + PG_INFLIGHT * PAGE, 0, PAGE);
	srand(time(NULL) ^ getpid());
	memset(cookie, 0, sizeof(cookie));
	snprintf(cookie, sizeof(cookie), "in-flight DMA cookie %08x%08x", rand(), rand());
	memcpy(ram + PG_COOKIE * PAGE, cookie, COOKIE_LEN);

	open_device(&d, bdf, memfd);
	result(1, "vfio-iommufd-setup");
	report_bus_master(bdf, "before_kexec");
	report_group_type(bdf);

	/* One round trip through the IOMMU: memfd page -> device -> memfd page. */
	edu_start(&d, IOVA_BASE + PG_SRC * PAGE, EDU_BUF, 2048, 0);
	edu_wait(&d);
	edu_start(&d, EDU_BUF, IOVA_BASE + PG_DST * PAGE, 2048, EDU_CMD_TO_RAM);
	edu_wait(&d);
	result(!memcmp(ram + PG_SRC * PAGE, ram + PG_DST * PAGE, 2048),
	       "dma-round-trip-before-kexec");

	/* Load the cookie into the device's buffer. */
	edu_start(&d, IOVA_BASE + PG_COOKIE * PAGE, EDU_BUF, COOKIE_LEN, 0);
	edu_wait(&d);
	result(1, "cookie-loaded-into-device");

	pres.fd = memfd;
	pres.token = MEMFD_TOKEN;
	if (ioctl(session, LIVEUPDATE_SESSION_PRESERVE_FD, &pres))
		die("LIVEUPDATE_SESSION_PRESERVE_FD(memfd)");
	result(1, "memfd-preserved-in-luo-session");

	/* The holder keeps every fd and does the last step on SIGUSR1. */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, &old);
	signal(SIGUSR1, on_kick);
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		/* Let the caller's output pipe close: talk to the console. */
		int con = open("/dev/console", O_WRONLY);

		if (con >= 0) {
			dup2(con, STDOUT_FILENO);
			dup2(con, STDERR_FILENO);
			close(con);
		}
		while (!kicked)
			sigsuspend(&old);
		edu_start(&d, EDU_BUF, IOVA_BASE + PG_INFLIGHT * PAGE, COOKIE_LEN,
			  EDU_CMD_TO_RAM);
		printf("# demo: in-flight DMA started (device -> iova 0x%lx, %d bytes), rebooting into the loaded kernel now\n",
		       IOVA_BASE + PG_INFLIGHT * PAGE, COOKIE_LEN);
		fflush(stdout);
		reboot(RB_KEXEC);
		printf("# demo: reboot(RB_KEXEC) failed: %s\n", strerror(errno));
		_exit(1);
	}
	f = fopen("/tmp/lu-kexec-hook", "w");
	if (!f)
		die("write /tmp/lu-kexec-hook");
	fprintf(f, "%d\n", pid);
	fclose(f);
	result(1, "holder-waiting-for-kexec pid=%d", pid);
	printf("1..%d\n", ntest);
	return 0;
}

static int stage2(const char *bdf)
{
	struct liveupdate_session_retrieve_fd ret = { .size = sizeof(ret) };
	struct liveupdate_session_finish fin = { .size = sizeof(fin) };
	uint8_t *ram;
	int session, landed, zero, i;

	session = luo_session(0);
	ret.token = MEMFD_TOKEN;
	if (ioctl(session, LIVEUPDATE_SESSION_RETRIEVE_FD, &ret))
		die("LIVEUPDATE_SESSION_RETRIEVE_FD(memfd)");
	ram = mmap(NULL, MEMFD_SIZE, PROT_READ, MAP_SHARED, ret.fd, 0);
	if (ram == MAP_FAILED)
		die("mmap the retrieved memfd");
	result(1, "memfd-retrieved");

	landed = !memcmp(ram + PG_INFLIGHT * PAGE, ram + PG_COOKIE * PAGE, COOKIE_LEN);
	zero = 1;
	for (i = 0; i < COOKIE_LEN; i++)
		zero &= ram[PG_INFLIGHT * PAGE + i] == 0;
	printf("# demo: inflight_dma_landed=%s (destination page %s)\n",
	       landed ? "yes" : "no",
	       landed ? "holds the cookie" : zero ? "is still zero" : "holds something else");
	printf("# demo: expected_cookie=\"%.40s\"\n", ram + PG_COOKIE * PAGE);
	result(1, "inflight-dma-observed");

	report_bus_master(bdf, "after_kexec");
	report_group_type(bdf);
	{
		char path[128];

		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver", bdf);
		printf("# demo: driver_after_kexec=%s\n",
		       access(path, F_OK) ? "none" : "bound");
	}

	if (ioctl(session, LIVEUPDATE_SESSION_FINISH, &fin))
		die("LIVEUPDATE_SESSION_FINISH");
	result(1, "session-finished");
	printf("1..%d\n", ntest);
	return 0;
}

int main(int argc, char *argv[])
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 3 && !strcmp(argv[1], "stage1"))
		return stage1(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "stage2"))
		return stage2(argv[2]);
	fprintf(stderr, "usage: %s stage1|stage2 BDF\n", argv[0]);
	return 2;
}
