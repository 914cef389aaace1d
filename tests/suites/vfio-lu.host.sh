# SPDX-License-Identifier: GPL-2.0
# Host side of the vfio-lu suite, sourced by scripts/vmtest.sh: what QEMU's
# trace of the vIOMMU shows around the replace of the restored HWPT.
#
# In legacy mode QEMU reads a device's context entry again at each
# context-cache invalidation of the device (it decides then whether the
# device translates), and at a DMA whose context it has not cached; an
# entry it finds not present is traced as vtd_ce_not_present.  The suite
# marks two windows in the trace (lu_trace_mark, tests/vm/lib.sh):
#   1. stage 1, from binding edu1 to vfio-pci to the end of the test
#      program: the ordinary VFIO attach blocks the device, and the trace
#      must show its entry not present (the check can see a break);
#   2. stage 2's test program: retrieve, the four refused replacements,
#      the hitless replace, the destroy of the restored HWPT, finish, the
#      next preserve: the vIOMMU must have read the entry again (an
#      invalidation of the device's context) and never found it not
#      present, and the device's DMA never faulted.
# Scalable mode changes the device's PASID entry, not its context entry,
# and QEMU does not trace PASID entries: the check is for legacy mode, as
# the hitless writer's KUnit suite covers every mode's entries.
#
# edu1 is at 01:00.0 (machines/q35-vtd.inc): source-id 0x100.
#
# The other machines run without a trace and without host checks: the
# scalable-mode VT-d ones (above) and the SMMUv3 ones
# (machines/virt-smmuv3*.sh).  On the SMMUv3 the replace changes one
# qword of the device's CD (stage 1) or STE (stage 2), whose transitions
# arm-smmu-v3's KUnit suite covers (kunit-arm64); a check of QEMU's smmuv3
# trace (the STE and CD the vIOMMU fetches for StreamID 0x100, no event
# for it) is still to be written.
case $machine in
*legacy*)
	TRACE_EVENTS="pci_cfg_write vtd_ce_not_present vtd_inv_desc_cc_device vtd_dmar_fault"
	host_checks() {
		local trace=$2
		if [ ! -s "$trace" ]; then
			echo "not ok 1 qemu-trace # no trace from QEMU"
			echo "1..1"
			return
		fi
		awk '
			/^pci_cfg_write edu 02:00\.0 @0xf0 <- / {
				w = ($NF == "0x1") ? 1 : ($NF == "0x2") ? 2 : 0
				seen[w]++
				next
			}
			!w { next }
			/^vtd_ce_not_present Context entry bus 1 devfn 0 / { np[w]++ }
			/^vtd_inv_desc_cc_device context invalidate device 01:00\.00/ { inv[w]++ }
			/^vtd_dmar_fault sid 0x100 / { flt[w]++ }
			function result(ok, name) {
				printf "%s %d %s\n", ok ? "ok" : "not ok", ++n, name
			}
			END {
				printf "# window 1: %d mark(s), %d invalidation(s) of 01:00.0, entry not present %d time(s)\n", seen[1], inv[1], np[1]
				printf "# window 2: %d mark(s), %d invalidation(s) of 01:00.0, entry not present %d time(s), %d DMA fault(s)\n", seen[2], inv[2], np[2], flt[2]
				result(seen[1] == 1 && np[1] > 0, "qemu-trace: VFIO attach: not present")
				result(seen[2] == 1 && inv[2] > 0 && np[2] == 0, "qemu-trace: replace: always present")
				result(seen[2] == 1 && flt[2] == 0, "qemu-trace: replace: no DMA fault")
				printf "1..%d\n", n
			}' "$trace"
	}
	;;
esac
