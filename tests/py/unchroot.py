#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""unchroot.py CMD...: run CMD with its root the root of its mount namespace.

The VM's init chroots the tests into the host's root (scripts/vm-init), and
a chrooted process may not make a user namespace (unshare(2): EPERM).  As
root, in a mount namespace of its own, this mounts a copy of our root tree
over the namespace's real root (open_tree + move_mount), enters it by the
tree's descriptor and chroots there: what a container runtime's pivot_root
does.  Nothing outside the new mount namespace changes.
"""
import ctypes
import os
import sys

libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWNS = 0x20000
SYS_open_tree, SYS_move_mount = 428, 429          # x86_64
OPEN_TREE_CLONE, AT_RECURSIVE, OPEN_TREE_CLOEXEC = 1, 0x8000, 0o2000000
MOVE_MOUNT_F_EMPTY_PATH = 4
MS_REC, MS_PRIVATE = 0x4000, 1 << 18
AT_FDCWD = -100


def check(rc, what):
    if rc < 0:
        e = ctypes.get_errno()
        raise OSError(e, '%s: %s' % (what, os.strerror(e)))
    return rc


check(libc.unshare(CLONE_NEWNS), 'unshare(CLONE_NEWNS)')
check(libc.mount(b'none', b'/', None, MS_REC | MS_PRIVATE, None), 'mount --make-rprivate /')
tree = check(libc.syscall(SYS_open_tree, AT_FDCWD, b'/',
                          OPEN_TREE_CLONE | AT_RECURSIVE | OPEN_TREE_CLOEXEC), 'open_tree /')
# Out of the chroot (we are root): a chroot deeper down leaves the working
# directory outside it, and ".." from there climbs to the namespace's root.
os.chdir('/')
os.chroot('/usr')
for _ in range(64):
    os.chdir('..')
os.chroot('.')
check(libc.syscall(SYS_move_mount, tree, b'', AT_FDCWD, b'/', MOVE_MOUNT_F_EMPTY_PATH),
      'move_mount onto the real root')
os.fchdir(tree)
os.chroot('.')
os.chdir('/')
os.execvp(sys.argv[1], sys.argv[1:])
