#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 'make demo': a VFIO device keeps (or does not keep) doing DMA across a kexec.
#
# In a q35 VM with QEMU's intel-iommu (legacy and scalable mode), QEMU's edu
# device is bound to vfio-pci and driven through iommufd: it DMAs into a
# memfd preserved in a LUO session; then a DMA is started in the last moment
# before a kexec_file_load reboot; the new kernel retrieves the memfd and
# reports what became of that DMA and of the device.  Everything printed is
# read from the VMs' serial logs.

. "$(dirname "$0")/lib.sh"

arch=x86_64
"$TOP/scripts/setup.sh"
"$TOP/scripts/mktree.sh"
"$TOP/scripts/build-kernel.sh" "$arch" base
"$TOP/scripts/build-progs.sh" "$arch"

machines=(q35-vtd-legacy q35-vtd-sm)
for m in "${machines[@]}"; do
	"$TOP/scripts/vmtest.sh" "demo-before-$m" demo-before "$m" base 300
done

# value KEY LOG: the last "# demo: ... KEY=value" of a log
value() { grep -o "# demo: .*\b$1=[^ ]*" "$2" | tail -n 1 | sed "s/.*\b$1=//"; }
# stage_log N LOG: the serial log lines of boot N (1 = before the kexec)
stage_log() { awk -v n="$1" '/Linux version/ { boot++ } boot == n' "$2"; }
faults() { stage_log "$1" "$2" | grep -c 'DMAR: \[DMA \(Read\|Write\)' || true; }
ktap() { grep -q "^  ok [0-9]* $1" "$2" && echo ok || echo FAILED; }
translation() {
	if stage_log 2 "$1" | grep -q "Translation was enabled for"; then
		echo "on"
	elif stage_log 2 "$1" | grep -q "DMAR: Intel(R) Virtualization Technology"; then
		echo "off"
	else
		echo "unknown"
	fi
}

echo
echo "Live update demo: QEMU edu device, VFIO cdev + iommufd, DMA into a LUO-preserved memfd"
echo "Kernel: Linux 7.3.4 + patches/ ($(find "$TOP/patches" -name '[0-9]*.patch' ! -name '0000-*' | wc -l) patches: no IOMMU live update code yet, so stock behaviour)"
echo
fmt='%-56s'
printf "$fmt" ""; for m in "${machines[@]}"; do printf '%-18s' "$m"; done; echo
row() { # label function-of-log
	local label=$1 fn=$2 m
	printf "$fmt" "$label"
	for m in "${machines[@]}"; do printf '%-18s' "$($fn "$BUILD/logs/demo-before-$m.log")"; done
	echo
}
r_roundtrip() { ktap dma-round-trip-before-kexec "$1"; }
bus_master() { grep -o "# demo: $1_pci_command=[^ ]* bus_master=[a-z]*" "$2" | sed 's/.*bus_master=//'; }
r_bm_before() { bus_master before_kexec "$1"; }
r_faults1() { faults 1 "$1"; }
r_landed() { value inflight_dma_landed "$1"; }
r_bm_after() { bus_master after_kexec "$1"; }
r_trans() { translation "$1"; }
r_domain() { stage_log 2 "$1" | grep -o 'iommu_group_default_domain=[^ ]*' | sed 's/.*=//'; }
r_driver() { value driver_after_kexec "$1"; }
r_faults2() { faults 2 "$1"; }
row "DMA round trip through the IOMMU before the kexec" r_roundtrip
row "Bus Master before the kexec" r_bm_before
row "IOMMU faults logged before the kexec" r_faults1
row "DMA started just before the kexec landed" r_landed
row "Bus Master in the new kernel" r_bm_after
row "VT-d translation still on when the new kernel booted" r_trans
row "device's IOMMU group default domain, new kernel" r_domain
row "device driver in the new kernel" r_driver
row "IOMMU faults logged in the new kernel" r_faults2
echo
echo "Serial logs: $BUILD/logs/demo-before-*.log"
