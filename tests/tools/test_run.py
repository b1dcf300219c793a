#!/usr/bin/env python3
"""Host test of tools/run's decisions, with no KVM and no emulator.

The serial port the log shows: COM1, another with COM1 left empty
(--serial-port), or none at all, the screen taken instead (--no-serial,
--screen-dump). The accelerator: kvm_obstacle() on made-up /dev/kvm paths, access checks,
/proc/cpuinfo texts and nested= parameters, and what --accel auto / kvm /
tcg make of them in a dry run. The verdict: the last `hv: done:` line of a
serial log turned into the launcher's exit status, through main() with
stand-in emulators that write a log and exit as Bochs (always 1) or QEMU's
isa-debug-exit (1 PASS, 3 FAIL) would.

Run as `python3 tests/tools/test_run.py`; exits non-zero on any failure.
"""

import contextlib
import importlib.machinery
import importlib.util
import io
import os
import shutil
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

sys.dont_write_bytecode = True  # no __pycache__ next to tools/run
_loader = importlib.machinery.SourceFileLoader(
    "tools_run", os.path.join(ROOT, "tools", "run"))
_spec = importlib.util.spec_from_loader("tools_run", _loader)
run = importlib.util.module_from_spec(_spec)
_loader.exec_module(run)

CPUINFO_VMX = ("processor\t: 0\nvendor_id\t: GenuineIntel\n"
               "flags\t\t: fpu vme pae msr vmx ept lm\n"
               "vmx flags\t: vnmi preemption_timer\n\n"
               "processor\t: 1\nflags\t\t: fpu vme pae msr vmx ept lm\n")
CPUINFO_SVM = ("processor\t: 0\nvendor_id\t: AuthenticAMD\n"
               "flags\t\t: fpu pae msr svm npt lm nrip_save\n")
# svm_lock and vmx_ept-like words are not the flags themselves.
CPUINFO_NONE = ("processor\t: 0\nvendor_id\t: AuthenticAMD\n"
                "flags\t\t: fpu pae msr lm svm_lock npt_x hypervisor\n")

ANY_ACCESS = lambda path, mode: True  # noqa: E731


def no_rw_access(path, mode):
    """The device exists, but this user may neither read nor write it."""
    return mode == os.F_OK


class KvmObstacle(unittest.TestCase):
    """kvm_obstacle(): one distinct reason for each way KVM can fail us."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="test-run-")
        self.dev = os.path.join(self.tmp, "kvm")
        open(self.dev, "w").close()

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def test_no_dev_kvm(self):
        missing = os.path.join(self.tmp, "no-kvm")
        why = run.kvm_obstacle(missing, CPUINFO_VMX, {})
        self.assertTrue(why.startswith("no %s " % missing), why)
        self.assertIn("load kvm_intel or kvm_amd", why)

    def test_no_dev_kvm_nor_vmx_svm(self):
        missing = os.path.join(self.tmp, "no-kvm")
        why = run.kvm_obstacle(missing, CPUINFO_NONE, {})
        self.assertTrue(why.startswith("no %s, " % missing), why)
        self.assertIn("exposes no VMX/SVM", why)

    def test_dev_kvm_not_accessible(self):
        why = run.kvm_obstacle(self.dev, CPUINFO_VMX, {"kvm_intel": "Y\n"},
                               access=no_rw_access)
        self.assertEqual(why, "%s is not readable and writable by this user "
                         "(add yourself to the kvm group)" % self.dev)

    def test_cpuinfo_without_vmx_or_svm(self):
        why = run.kvm_obstacle(self.dev, CPUINFO_NONE, {}, access=ANY_ACCESS)
        self.assertEqual(why, "%s present but the host CPU exposes no VMX/SVM: "
                         "nested virtualization is off" % self.dev)

    def test_cpuinfo_unreadable(self):
        why = run.kvm_obstacle(self.dev, None, {}, access=ANY_ACCESS)
        self.assertIn("cannot read", why)

    def test_vmx(self):
        for nested in ({"kvm_intel": "Y\n"}, {"kvm_intel": "1\n"}, {}):
            self.assertIsNone(run.kvm_obstacle(self.dev, CPUINFO_VMX, nested,
                                               access=ANY_ACCESS), nested)

    def test_svm(self):
        for nested in ({"kvm_amd": "1\n"}, {"kvm_amd": "Y\n"}, {}):
            self.assertIsNone(run.kvm_obstacle(self.dev, CPUINFO_SVM, nested,
                                               access=ANY_ACCESS), nested)

    def test_nested_off_in_the_vendor_module(self):
        why = run.kvm_obstacle(self.dev, CPUINFO_VMX, {"kvm_intel": "N\n"},
                               access=ANY_ACCESS)
        self.assertEqual(why, "kvm_intel is loaded with nested=N: KVM would give "
                         "the guest no VMX (reload it with nested=1)")
        why = run.kvm_obstacle(self.dev, CPUINFO_SVM, {"kvm_amd": "0\n"},
                               access=ANY_ACCESS)
        self.assertIn("kvm_amd is loaded with nested=0", why)
        # The other vendor's module does not matter.
        self.assertIsNone(run.kvm_obstacle(self.dev, CPUINFO_SVM,
                                           {"kvm_intel": "N\n"}, access=ANY_ACCESS))

    def test_reasons_are_distinct(self):
        missing = os.path.join(self.tmp, "no-kvm")
        reasons = [
            run.kvm_obstacle(missing, CPUINFO_VMX, {}),
            run.kvm_obstacle(missing, CPUINFO_NONE, {}),
            run.kvm_obstacle(self.dev, CPUINFO_VMX, {}, access=no_rw_access),
            run.kvm_obstacle(self.dev, CPUINFO_NONE, {}, access=ANY_ACCESS),
            run.kvm_obstacle(self.dev, None, {}, access=ANY_ACCESS),
            run.kvm_obstacle(self.dev, CPUINFO_VMX, {"kvm_intel": "N"},
                             access=ANY_ACCESS),
        ]
        self.assertNotIn(None, reasons)
        self.assertEqual(len(set(reasons)), len(reasons), reasons)
        for why in reasons:
            self.assertNotIn("\n", why)


class Launcher(unittest.TestCase):
    """main() with the host's KVM files, the build directory and the
    emulators replaced by files under a scratch directory."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="test-run-")
        self.saved = {k: getattr(run, k) for k in (
            "BUILD", "DEV_KVM", "CPUINFO", "KVM_NESTED_PARAM",
            "BOCHS_BIOS", "BOCHS_VGABIOS")}
        self.saved_path = os.environ["PATH"]
        self.bin = os.path.join(self.tmp, "bin")
        os.mkdir(self.bin)
        os.environ["PATH"] = self.bin + os.pathsep + self.saved_path
        run.BUILD = os.path.join(self.tmp, "build")
        run.DEV_KVM = os.path.join(self.tmp, "dev-kvm")
        run.CPUINFO = self.write("cpuinfo", CPUINFO_VMX)
        run.KVM_NESTED_PARAM = os.path.join(self.tmp, "%s.nested")
        run.BOCHS_BIOS = self.write("bios", "")
        run.BOCHS_VGABIOS = self.write("vgabios", "")
        self.iso = self.write("hv.iso", "")
        self.serial = os.path.join(self.tmp, "com1.log")
        self.emulator("qemu-system-x86_64", "exit 0")

    def tearDown(self):
        for k, v in self.saved.items():
            setattr(run, k, v)
        os.environ["PATH"] = self.saved_path
        shutil.rmtree(self.tmp)

    def write(self, name, text):
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def emulator(self, name, body):
        """A stand-in for an emulator: a shell script running body."""
        path = os.path.join(self.bin, name)
        with open(path, "w") as f:
            f.write("#!/bin/sh\n" + body + "\n")
        os.chmod(path, 0o755)

    def main(self, *argv):
        """(status, stdout, stderr) of tools/run with argv; a die() is a
        status like any other."""
        out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
        err = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                status = run.main(["--no-build", "--iso", self.iso] + list(argv))
            except SystemExit as e:
                status = e.code
            out.flush()
        return status, out.buffer.getvalue().decode(), err.getvalue()

    # --- the accelerator ---

    def test_auto_without_kvm_falls_back_to_tcg_and_says_why(self):
        status, out, err = self.main("--dry-run")
        self.assertEqual(status, 0)
        self.assertIn(" -accel tcg,thread=multi -cpu max ", out)
        self.assertNotIn("-enable-kvm", out)
        fallback = [l for l in err.splitlines() if "TCG, not KVM" in l]
        self.assertEqual(fallback, ["run: TCG, not KVM: no %s (load kvm_intel "
                                    "or kvm_amd)" % run.DEV_KVM], err)

    def test_quiet_silences_the_fallback_line(self):
        status, out, err = self.main("--dry-run", "--quiet")
        self.assertEqual(status, 0)
        self.assertIn("-accel tcg", out)
        self.assertEqual(err, "")

    def test_auto_with_nested_vmx_picks_kvm(self):
        self.write("dev-kvm", "")
        self.write("kvm_intel.nested", "Y\n")
        status, out, err = self.main("--dry-run")
        self.assertEqual(status, 0)
        self.assertIn(" -enable-kvm -cpu host ", out)
        self.assertNotIn("tcg", out)
        self.assertNotIn("TCG", err)

    def test_auto_with_nested_off_falls_back(self):
        self.write("dev-kvm", "")
        self.write("kvm_intel.nested", "N\n")
        status, out, err = self.main("--dry-run")
        self.assertEqual(status, 0)
        self.assertIn("-accel tcg", out)
        self.assertIn("run: TCG, not KVM: kvm_intel is loaded with nested=N", err)

    def test_accel_kvm_impossible_is_an_error(self):
        status, out, err = self.main("--dry-run", "--accel", "kvm")
        self.assertNotIn(status, (0, None))
        self.assertEqual(out, "")  # no command, no silent TCG run
        self.assertIn("run: error: --accel kvm: no %s" % run.DEV_KVM, err)
        # --quiet does not hide an error.
        status, out, err = self.main("--dry-run", "--quiet", "--accel", "kvm")
        self.assertNotIn(status, (0, None))
        self.assertIn("--accel kvm: no ", err)

    def test_accel_kvm_possible(self):
        self.write("dev-kvm", "")
        run.CPUINFO = self.write("cpuinfo", CPUINFO_SVM)
        status, out, err = self.main("--dry-run", "--accel", "kvm")
        self.assertEqual(status, 0)
        self.assertIn(" -enable-kvm -cpu host ", out)

    def test_accel_tcg_asks_nothing(self):
        status, out, err = self.main("--dry-run", "--accel", "tcg")
        self.assertEqual(status, 0)
        self.assertIn("-accel tcg", out)
        self.assertNotIn("KVM", err)

    # --- the serial port ---

    def test_serial_log_is_com1_by_default(self):
        status, out, err = self.main("--dry-run", "--serial-log", self.serial)
        self.assertEqual(status, 0)
        self.assertIn(" -serial file:%s" % self.serial, out)
        self.assertNotIn("isa-serial", out)
        self.assertNotIn("console=io:", err)

    def test_serial_port_elsewhere_leaves_com1_empty(self):
        status, out, err = self.main("--dry-run", "--serial-log", self.serial,
                                     "--serial-port", "0x2f8")
        self.assertEqual(status, 0)
        self.assertIn(" -serial none ", out)
        self.assertNotIn("-serial file:", out)
        self.assertIn(" -chardev file,id=hvserial,path=%s " % self.serial, out)
        self.assertIn(" -device isa-serial,chardev=hvserial,iobase=0x2f8,irq=3",
                      out)
        self.assertIn("hypervisor command line: console=ttyS0,115200 "
                      "console=io:0x2f8,115200 exit=qemu", err)

    def test_serial_pci_card_and_no_com1(self):
        status, out, err = self.main("--dry-run", "--serial-log", self.serial,
                                     "--serial-pci", "5")
        self.assertEqual(status, 0)
        self.assertIn(" -serial none ", out)
        self.assertIn(" -chardev file,id=hvserial,path=%s " % self.serial, out)
        self.assertIn(" -device pci-serial,chardev=hvserial,addr=0x5.0", out)
        self.assertNotIn("isa-serial", out)
        self.assertIn("hypervisor command line: console=ttyS0,115200 "
                      "console=pci:00:05.0,115200 exit=qemu", err)

    def test_serial_pci_refusals(self):
        for argv, why in (
                (("--serial-pci", "20"), "--serial-pci takes a device number"),
                (("--serial-pci", "0"), "--serial-pci takes a device number"),
                (("--serial-pci", "5", "--serial-port", "0x2f8"),
                 "--serial-pci and --serial-port"),
                (("--serial-pci", "5", "--bochs"), "--serial-pci is for QEMU")):
            status, out, err = self.main("--dry-run", *argv)
            self.assertEqual(status, 2, argv)
            self.assertIn(why, err)

    def test_console_default_gives_no_console(self):
        status, out, err = self.main("--dry-run", "--serial-pci", "6",
                                     "--console-default")
        self.assertEqual(status, 0)
        self.assertIn("hypervisor command line: exit=qemu\n", err)
        status, out, err = self.main("--dry-run", "--serial-port", "0x2f8",
                                     "--console-default", "--cmdline", "maxcpus=1")
        self.assertIn("hypervisor command line: exit=qemu maxcpus=1\n", err)

    def test_spcr_table_file(self):
        status, out, err = self.main("--dry-run", "--keep", "--spcr", "io:0x2f8")
        self.assertEqual(status, 0)
        path = out.split("-acpitable file=")[1].split()[0]
        with open(path, "rb") as f:
            self.assertEqual(f.read(), run.spcr_table("io:0x2f8"))
        status, out, err = self.main("--dry-run", "--spcr", "com2")
        self.assertEqual(status, 2)
        self.assertIn("--spcr com2: not io:PORT or pci:DEV.FN", err)

    def test_spcr_table_bytes(self):
        """The table's fields where Microsoft's SPCR specification puts
        them, and a checksum that makes its bytes sum to 0."""
        t = run.spcr_table("io:0x2f8")
        self.assertEqual(len(t), 80)
        self.assertEqual(sum(t) & 0xff, 0)
        self.assertEqual(t[0:4], b"SPCR")
        self.assertEqual(int.from_bytes(t[4:8], "little"), 80)
        self.assertEqual(t[8], 2)          # revision
        self.assertEqual(t[36], 0)         # interface type: 16550
        self.assertEqual(t[40:44], bytes([1, 8, 0, 1]))  # GAS: I/O, 8 bits
        self.assertEqual(int.from_bytes(t[44:52], "little"), 0x2f8)
        self.assertEqual(t[58], 7)         # 115200 baud
        self.assertEqual(t[64:68], b"\xff" * 4)  # not a PCI device
        t = run.spcr_table("pci:1f.7")
        self.assertEqual(sum(t) & 0xff, 0)
        self.assertEqual(int.from_bytes(t[44:52], "little"), 0)
        self.assertEqual(int.from_bytes(t[64:66], "little"), 0x0002)
        self.assertEqual(int.from_bytes(t[66:68], "little"), 0x1b36)
        self.assertEqual(t[68:71], bytes([0, 0x1f, 7]))
        self.assertEqual(t[75], 0)         # segment
        for bad in ("io:0", "io:0xfff9", "pci:20.0", "pci:05", "pci:5.8", "mmio:1"):
            with self.assertRaises(ValueError, msg=bad):
                run.spcr_table(bad)

    def test_serial_port_is_for_qemu(self):
        status, out, err = self.main("--dry-run", "--bochs",
                                     "--serial-port", "0x2f8")
        self.assertEqual(status, 2)
        self.assertIn("--serial-port is for QEMU", err)

    def test_no_serial_port_at_all(self):
        status, out, err = self.main("--dry-run", "--no-serial")
        self.assertEqual(status, 0)
        self.assertIn(" -serial none", out)
        self.assertNotIn("isa-serial", out)
        self.assertIn("hypervisor command line: exit=qemu\n", err)
        status, out, err = self.main("--dry-run", "--no-serial",
                                     "--serial-log", self.serial)
        self.assertEqual(status, 2)
        self.assertIn("--no-serial leaves no serial port", err)

    # --- the screen ---

    def test_screen_dump_asks_qmp_and_a_delay(self):
        shot = os.path.join(self.tmp, "shot.ppm")
        status, out, err = self.main("--dry-run", "--no-serial",
                                     "--screen-dump", shot)
        self.assertEqual(status, 0)
        self.assertRegex(out, r" -qmp unix:[^ ]*qmp\.sock,server=on,wait=off")
        self.assertIn("hypervisor command line: exit=qemu exit_delay_ms=%d\n"
                      % run.SCREEN_EXIT_DELAY_MS, err)
        status, out, err = self.main("--dry-run", "--bochs", "--screen-dump", shot)
        self.assertEqual(status, 2)
        self.assertIn("--screen-dump are for QEMU", err)

    def test_gfxpayload_needs_our_iso(self):
        status, out, err = self.main("--dry-run", "--gfxpayload", "1024x768x32")
        self.assertEqual(status, 2)
        self.assertIn("--gfxpayload is GRUB's", err)

    # --- the verdict ---

    PASS_LOG = ("[    0.100000] cpu0 vm: 2 vCPU(s)\r\n"
                "[    0.200000] cpu0 hv: summary cpus=2 vendor=intel virt=vmx\r\n"
                "[    0.300000] cpu0 hv: done: PASS\r\n")
    FAIL_LOG = ("[    0.200000] cpu0 hv: summary cpus=2 vendor=intel virt=vmx\n"
                "[    0.300000] cpu0 hv: done: FAIL: vmx: no EPT\n")
    # A guest that prints the words is not the hypervisor.
    GUEST_LOG = ("[    0.200000] cpu0 guest vcpu0: [ 0.2] cpu0 hv: done: PASS\n"
                 "[    0.200000] cpu0 guest vcpu0: ] cpu0 hv: done: PASS\n"
                 "[    0.200000] cpu1 guest vcpu1: hv: done: PASS\n")

    def test_verdict_of_log(self):
        self.assertEqual(run.verdict_of_log(self.write("p", self.PASS_LOG)), "PASS")
        self.assertEqual(run.verdict_of_log(self.write("f", self.FAIL_LOG)), "FAIL")
        self.assertIsNone(run.verdict_of_log(self.write("g", self.GUEST_LOG)))
        self.assertIsNone(run.verdict_of_log(self.write("e", "")))
        self.assertIsNone(run.verdict_of_log(os.path.join(self.tmp, "none")))
        # The last one counts; a guest's line after it does not.
        self.assertEqual(run.verdict_of_log(self.write(
            "fp", self.FAIL_LOG + self.GUEST_LOG)), "FAIL")
        self.assertEqual(run.verdict_of_log(self.write(
            "pf", "[ 0.1] cpu0 hv: done: FAIL: x\n" + self.PASS_LOG)), "PASS")
        self.assertEqual(run.verdict_of_log(self.write(
            "ptrunc", "[ 0.1] cpu0 hv: done: PASSED\n")), "FAIL")

    def bochs_with_log(self, text, sleep=0):
        """Bochs runs under `script`; this one writes text to the serial log
        and exits with status 1, as Bochs does after every shutdown."""
        self.emulator("bochs", "exit 1")
        log = self.write("log-to-write", text)
        self.emulator("script", "cat '%s' >'%s'\nsleep %s\nexit 1"
                      % (log, self.serial, sleep))

    def test_bochs_pass_is_0(self):
        self.bochs_with_log(self.PASS_LOG)
        status, out, err = self.main("--bochs", "--serial-log", self.serial)
        self.assertEqual(status, 0, err)
        self.assertIn("run: hypervisor reported PASS on the serial log", err)
        self.assertIn("hv: done: PASS", out)  # echoed as it came

    def test_bochs_fail_is_1(self):
        self.bochs_with_log(self.FAIL_LOG)
        status, out, err = self.main("--bochs", "--quiet", "--serial-log", self.serial)
        self.assertEqual(status, 1, err)
        self.assertEqual(err, "")

    def test_bochs_without_verdict_is_its_status_with_a_note(self):
        self.bochs_with_log(self.GUEST_LOG)
        status, out, err = self.main("--bochs", "--serial-log", self.serial)
        self.assertEqual(status, 1, err)
        notes = [l for l in err.splitlines() if "no 'hv: done:' verdict seen" in l]
        self.assertEqual(len(notes), 1, err)
        self.assertTrue(notes[0].startswith("run: Bochs exit status 1 "), notes)

    def test_bochs_own_serial_file(self):
        # Without --serial-log the serial file is in the run's directory;
        # the stand-in finds it in the bochsrc.
        self.emulator("bochs", "exit 1")
        log = self.write("log-to-write", self.PASS_LOG)
        self.emulator("script", "rc=$(echo \"$2\" | sed 's/^bochs -f //; s/ -rc .*//')\n"
                      "com1=$(sed -n 's/^com1: .*dev=//p' \"$rc\")\n"
                      "cat '%s' >\"$com1\"\nexit 1" % log)
        status, out, err = self.main("--bochs", "--quiet")
        self.assertEqual(status, 0, err)

    def test_bochs_timeout_is_124(self):
        self.bochs_with_log(self.PASS_LOG.replace("PASS", "RUNNING"), sleep=30)
        status, out, err = self.main("--bochs", "--quiet", "--timeout", "0.5",
                                     "--serial-log", self.serial)
        self.assertEqual(status, 124, err)

    def test_qemu_isa_debug_exit(self):
        for qemu_status, want in ((1, 0), (3, 1)):
            self.emulator("qemu-system-x86_64", "exit %d" % qemu_status)
            status, out, err = self.main("--quiet", "--accel", "tcg")
            self.assertEqual(status, want, (qemu_status, err))
        self.emulator("qemu-system-x86_64", "exit 0")
        status, out, err = self.main("--accel", "tcg")
        self.assertEqual(status, 0)
        self.assertIn("run: emulator exit status 0 ", err)
        self.assertIn("no 'hv: done:' verdict seen", err)


if __name__ == "__main__":
    unittest.main(verbosity=2)
