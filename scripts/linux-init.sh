#!/bin/busybox sh
# /init of memvm's test initramfs (scripts/fetch-linux.sh): report the
# memory the kernel sees, then power off.  tests/linux and make demo read
# these lines.
/bin/busybox mkdir -p /proc /sys
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
echo "memvm-init: started"
/bin/busybox grep MemTotal /proc/meminfo
echo "nodes: $(/bin/busybox ls -d /sys/devices/system/node/node* 2>/dev/null | /bin/busybox tr '\n' ' ')"
for n in /sys/devices/system/node/node*; do
    [ -e "$n/meminfo" ] && /bin/busybox grep MemTotal "$n/meminfo"
    [ -e "$n/distance" ] && echo "${n##*/} distance: $(/bin/busybox cat "$n/distance")"
done
echo "memvm-init: done"
/bin/busybox poweroff -f
