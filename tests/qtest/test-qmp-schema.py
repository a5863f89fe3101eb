#!/usr/bin/env python3
"""query-qmp-schema describes the commands memvm has, in QEMU's
introspection format, and the probe commands libvirt sends first
(query-target, query-kvm, device-list-properties,
query-command-line-options) answer truthfully."""
from memvm import Tap, VM

t = Tap()
with VM(['-M', 'none', '-accel', 'qtest']) as vm:
    schema = vm.qmp.command('query-qmp-schema')
    by_name = {e['name']: e for e in schema}
    commands = sorted(c['name'] for c in vm.qmp.command('query-commands'))
    t.eq(sorted(e['name'] for e in schema if e['meta-type'] == 'command'),
         commands, 'the schema lists exactly the commands query-commands does')
    missing = [e['name'] for e in schema
               for key in ('arg-type', 'ret-type', 'element-type')
               if key in e and e[key] not in by_name]
    missing += [e['name'] + '.' + m['name'] for e in schema
                for m in e.get('members', []) if m['type'] not in by_name]
    t.eq(missing, [], 'every type the schema names is defined in it')
    t.eq(by_name['str'], {'name': 'str', 'json-type': 'string',
                          'meta-type': 'builtin'}, 'builtins as in QEMU')
    qom_get = by_name['qom-get']
    t.eq(by_name[qom_get['arg-type']]['members'],
         [{'name': 'path', 'type': 'str'},
          {'name': 'property', 'type': 'str'}],
         'qom-get arguments as registered')
    t.eq(qom_get['ret-type'], 'any', 'qom-get returns any')
    qlt = by_name[by_name['qom-list-types']['arg-type']]['members']
    t.eq(qlt, [{'name': 'implements', 'default': None, 'type': 'str'},
               {'name': 'abstract', 'default': None, 'type': 'bool'}],
         'optional arguments carry "default": null')
    ver = by_name[by_name['query-version']['ret-type']]
    t.eq([m['name'] for m in ver['members']], ['qemu', 'package'],
         'query-version return type')
    usage = by_name[by_name['x-query-memdev-usage']['ret-type']]
    usage = by_name[usage['element-type']]
    t.eq([m['name'] for m in usage['members']],
         ['id', 'size', 'populated', 'nodes', 'node-unknown',
          'node-sample-stride', 'page-sizes'],
         'x-query-memdev-usage return type')
    t.eq(sorted(e['name'] for e in schema if e['meta-type'] == 'event'),
         ['RESET', 'RESUME', 'SHUTDOWN', 'STOP',
          'x-MEMDEV_PREALLOC_PROGRESS'], 'events memvm emits')
    t.eq(vm.qmp.command('query-target'), {'arch': 'x86_64'}, 'query-target')
    kvm = vm.qmp.command('query-kvm')
    t.eq(kvm['enabled'], False, 'query-kvm: not enabled under qtest')
    r = vm.qmp.cmd('device-list-properties', {'typename': 'virtio-blk-pci'})
    t.eq(r.get('error'), {'class': 'DeviceNotFound',
                          'desc': "Device 'virtio-blk-pci' not found"},
         'device-list-properties of a device memvm lacks')
    r = vm.qmp.cmd('device-list-properties',
                   {'typename': 'memory-backend-ram'})
    t.eq(r.get('error'), {'class': 'GenericError',
                          'desc': "Parameter 'typename' expects device"},
         'device-list-properties of a type that is no device')
    opts = vm.qmp.command('query-command-line-options', {'option': 'memory'})
    t.eq(opts, [{'parameters': [{'name': 'size', 'type': 'string'},
                                {'name': 'slots', 'type': 'string'},
                                {'name': 'maxmem', 'type': 'string'}],
                 'option': 'memory'}], 'query-command-line-options memory')
    r = vm.qmp.cmd('query-command-line-options', {'option': 'drive'})
    t.eq(r.get('error'), {'class': 'GenericError',
                          'desc': "Invalid parameter 'option'"},
         'query-command-line-options of an option memvm lacks')
t.done()
