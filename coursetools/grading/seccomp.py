"""The sandbox's seccomp filter, built with libseccomp (through ``pyseccomp``, its ctypes binding).

Namespaces separate files, processes, the network and IPC, but some kernel objects cross every namespace:
the kernel keyrings (a process inherits its login session's keyring), locks on a shared file, and
vsock sockets to the hypervisor. Like IOI isolate's and Docker's default profiles, the filter refuses
those and the interfaces a numerical notebook never needs, with ``EPERM`` (or ``ENOSYS`` for ``clone3``,
so that the C library falls back to ``clone``, whose flags the filter can read). System calls of other
architectures' ABIs (32-bit x86 on x86_64) are killed: libseccomp's default for a foreign architecture.

| refused | why |
|---|---|
| keyctl, add_key, request_key | the grader's session keyring: read, written, a channel to the next student |
| flock; fcntl F_SETLK/F_SETLKW/F_OFD_SETLK/F_OFD_SETLKW | locks on the shared read-only venv cross sandboxes |
| shmget, shmat, msgget, semget | SysV IPC (memory outside a normal user's limits) |
| unshare, setns; clone with CLONE_NEW* flags; clone3 | new namespaces (a user namespace gives uid 0 inside) |
| mount, umount2, pivot_root, chroot, open_tree, move_mount, fsopen, fsmount | the file system view |
| ptrace, process_vm_readv, process_vm_writev, kcmp | reading another process of the sandbox |
| socket(AF_VSOCK), bpf, perf_event_open, userfaultfd, io_uring_* | kernel interfaces open to attack |
| kexec_load, init_module, finit_module, delete_module, reboot, swapon, swapoff, acct, quotactl | the machine |
"""
import errno
import os

CLONE_NEW_FLAGS = (0x00020000, 0x02000000, 0x04000000, 0x08000000, 0x10000000, 0x20000000, 0x40000000)
# CLONE_NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET: one rule each (libseccomp compares one mask)
AF_VSOCK = 40
LOCK_COMMANDS = (6, 7, 37, 38)     # F_SETLK, F_SETLKW, F_OFD_SETLK, F_OFD_SETLKW
REFUSED = ("keyctl", "add_key", "request_key", "flock", "shmget", "shmat", "msgget", "semget", "unshare",
           "setns", "mount", "umount2", "pivot_root", "chroot", "open_tree", "move_mount", "fsopen", "fsmount",
           "fsconfig", "fspick", "ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "bpf",
           "perf_event_open", "userfaultfd", "io_uring_setup", "io_uring_enter", "io_uring_register",
           "kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module", "reboot", "swapon",
           "swapoff", "acct", "quotactl", "lookup_dcookie")


def build():
    """The filter as a ``pyseccomp.SyscallFilter`` (allow by default, refuse the table's calls)."""
    import pyseccomp as sc
    f = sc.SyscallFilter(defaction=sc.ALLOW)
    for name in dict.fromkeys(REFUSED):
        try:
            f.add_rule(sc.ERRNO(errno.EPERM), name)
        except (RuntimeError, ValueError, OSError):      # a call this kernel's headers do not know
            pass
    f.add_rule(sc.ERRNO(errno.ENOSYS), "clone3")
    for flag in CLONE_NEW_FLAGS:
        f.add_rule(sc.ERRNO(errno.EPERM), "clone", sc.Arg(0, sc.MASKED_EQ, flag, flag))
    for cmd in LOCK_COMMANDS:
        f.add_rule(sc.ERRNO(errno.EPERM), "fcntl", sc.Arg(1, sc.EQ, cmd))
    f.add_rule(sc.ERRNO(errno.EPERM), "socket", sc.Arg(0, sc.EQ, AF_VSOCK))
    return f


def filter_fd():
    """A file descriptor (inheritable, at offset 0) holding the compiled BPF program, for ``bwrap --seccomp``."""
    fd = os.memfd_create("coursetools-seccomp", 0)
    try:
        with os.fdopen(os.dup(fd), "wb") as fh:
            build().export_bpf(fh)
        os.lseek(fd, 0, os.SEEK_SET)
    except BaseException:
        os.close(fd)
        raise
    return fd
