#!/usr/bin/env python3
"""The QMP server and the human monitor, as a client sees them: the wire
format, negotiation, errors with QEMU 7.2's texts, framing and its limits,
several clients, run state and its events, the object tree, and HMP."""
import json
import os
import re
import signal
import socket
import stat
import subprocess
import time

from memvm import Tap, VM, QMP, binary, run

t = Tap()
ARGS = ['-M', 'none', '-accel', 'qtest']

status, out, _ = run(['-version'])
VERSION = re.search(r'version (\S+)', out).group(1)
PACKAGE = 'memvm-' + VERSION


def error_of(rsp):
    """(class, desc) of an error reply, or the reply if it is not one."""
    if 'error' in rsp:
        return (rsp['error']['class'], rsp['error']['desc'])
    return rsp


def generic(desc):
    return ('GenericError', desc)


def sync(qmp, tag):
    """Send a marker command and return every reply up to its own."""
    qmp.send_raw(json.dumps({'execute': 'query-status',
                             'id': tag}).encode() + b'\n')
    replies = []
    while True:
        rsp = qmp.reply()
        if rsp.get('id') == tag:
            return replies
        replies.append(rsp)


def hmp_connect(path):
    """Connect and read the banner, retrying while the previous client
    is still being let go (the server serves one client at a time)."""
    for _ in range(200):
        s = socket.socket(socket.AF_UNIX)
        s.settimeout(30)
        s.connect(path)
        got = b''
        while not got.endswith(b'(memvm) '):
            chunk = s.recv(4096)
            if not chunk:
                break
            got += chunk
        if got.endswith(b'(memvm) '):
            return s, got
        s.close()
        time.sleep(0.05)
    raise EOFError('no HMP banner')


vm = VM(ARGS).launch()
qmp = vm.qmp

# --- the greeting, byte for byte -------------------------------------------
# A server serves one client at a time: each part below uses its own.
qmp.close()
g = QMP(vm.qmp_path, negotiate=False)
t.eq(g.greeting, {'QMP': {'version': {'qemu': {'micro': 0, 'minor': 2,
                                                'major': 7},
                                       'package': PACKAGE},
                          'capabilities': ['oob']}},
     'greeting: QEMU 7.2.0 interface, package %s, oob offered' % PACKAGE)
t.eq(g.greeting_raw, b'{"QMP": {"version": {"qemu": {"micro": 0, '
     b'"minor": 2, "major": 7}, "package": "' + PACKAGE.encode() + b'"}, '
     b'"capabilities": ["oob"]}}\r\n',
     'greeting on the wire: QEMU\'s member order, ", " and CR LF')
g.close()

# --- negotiation -----------------------------------------------------------
q = QMP(vm.qmp_path, negotiate=False)
t.eq(error_of(q.cmd('query-status')),
     ('CommandNotFound',
      "Expecting capabilities negotiation with 'qmp_capabilities'"),
     'a command before qmp_capabilities is refused')
t.eq(error_of(q.cmd('no-such-command')),
     ('CommandNotFound',
      "Expecting capabilities negotiation with 'qmp_capabilities'"),
     'an unknown command before negotiation gets the same answer')
t.eq(error_of(q.cmd('qmp_capabilities', enable=['bogus'])),
     generic("Parameter 'null' does not accept value 'bogus'"),
     'unknown capability refused (QEMU 7.2\'s text, quirk included)')
t.eq(error_of(q.cmd('qmp_capabilities', enable='oob')),
     generic("Invalid parameter type for 'enable', expected: array"),
     'enable must be an array')
t.eq(q.cmd('qmp_capabilities'), {'return': {}}, 'qmp_capabilities succeeds')
t.eq(error_of(q.cmd('qmp_capabilities')),
     ('CommandNotFound',
      'Capabilities negotiation is already complete, command ignored'),
     'a second qmp_capabilities is refused')
t.eq(q.cmd('query-status')['return']['status'], 'running',
     'commands work after negotiation')

# --- errors ----------------------------------------------------------------
t.eq(error_of(q.cmd('foo')),
     ('CommandNotFound', 'The command foo has not been found'),
     'unknown command: CommandNotFound')
t.eq(error_of(q.cmd('qom-list')),
     generic("Parameter 'path' is missing"), 'missing argument')
t.eq(error_of(q.cmd('qom-list', path=1)),
     generic("Invalid parameter type for 'path', expected: string"),
     'wrongly typed argument (string expected)')
t.eq(error_of(q.cmd('qom-list-types', abstract='yes')),
     generic("Invalid parameter type for 'abstract', expected: boolean"),
     'wrongly typed argument (boolean expected)')
t.eq(error_of(q.cmd('human-monitor-command',
                    {'command-line': 'info status', 'cpu-index': 'x'})),
     generic("Invalid parameter type for 'cpu-index', expected: integer"),
     'wrongly typed argument (integer expected)')
t.eq(error_of(q.cmd('query-status', x=1)),
     generic("Parameter 'x' is unexpected"), 'unexpected argument')
t.eq(error_of(q.cmd('qom-list', {'path': '/', 'x': 1, 'y': 2})),
     generic("Parameter 'y' is unexpected"),
     'of two unexpected arguments, the one QEMU names')
t.eq(error_of(q.cmd('qom-list', {'path': 1, 'x': 1})),
     generic("Invalid parameter type for 'path', expected: string"),
     'a bad declared argument is reported before an unexpected one')

# --- "id" ------------------------------------------------------------------
for ident in (1, 'abc', [1, {'a': None}], {'x': 1.5, 'y': True}, None):
    rsp = q.cmd('query-status', req_id=ident) if ident is not None else None
    if ident is None:
        q.send_raw(b'{"execute": "query-status", "id": null}\n')
        rsp = q.reply()
    t.ok(rsp.get('id', 'missing') == ident and 'return' in rsp,
         'id %s echoed on success' % json.dumps(ident), rsp)
rsp = q.cmd('foo', req_id={'k': [1, 2]})
t.eq(rsp.get('id'), {'k': [1, 2]}, 'id echoed on error')
q.send_raw(b'{"id": "no-exec"}\n')
t.eq(q.reply(), {'id': 'no-exec', 'error': {
    'class': 'GenericError', 'desc': "QMP input lacks member 'execute'"}},
    'id echoed when execute is missing')
q.send_raw(b'{"execute": "query-status", "id": 7}\n')
t.eq(q.recv_line(), b'{"return": {"status": "running", "singlestep": '
     b'false, "running": true}, "id": 7}\r\n',
     'reply on the wire: QEMU\'s member order and CR LF')
q.send_raw(b'{"execute": "foo", "id": "\\u00e9\\ud83d\\ude00"}\n')
t.eq(q.recv_line(), b'{"id": "\\u00E9\\uD83D\\uDE00", "error": {"class": '
     b'"CommandNotFound", "desc": "The command foo has not been found"}}\r\n',
     'error reply on the wire; non-ASCII written as \\uXXXX like QEMU')

# --- the shape of a request ------------------------------------------------
for data, desc, what in [
        (b'[1, 2]\n', 'QMP input must be a JSON object', 'an array'),
        (b'"query-status"\n', 'QMP input must be a JSON object', 'a string'),
        (b'{"execute": 1}\n', "QMP input member 'execute' must be a string",
         'execute not a string'),
        (b'{"execute": "query-status", "arguments": []}\n',
         "QMP input member 'arguments' must be an object",
         'arguments not an object'),
        (b'{"execute": "query-status", "foo": 1}\n',
         "QMP input member 'foo' is unexpected", 'an unexpected member'),
        (b'{"exec-oob": "query-status"}\n',
         "QMP input member 'exec-oob' is unexpected",
         'exec-oob without the oob capability'),
]:
    q.send_raw(data)
    t.eq(error_of(q.reply()), generic(desc), 'request is %s' % what)

# --- framing -----------------------------------------------------------------
for data, desc, what in [
        (b'{"execute": }\n', 'JSON parse error, expecting value',
         'a missing value'),
        (b'@\n', "JSON parse error, stray '@'", 'a stray character'),
        (b'{"a" 1}\n', 'JSON parse error, missing : in object pair',
         'a missing colon'),
        (b'[1 2]\n', 'JSON parse error, expected separator in list',
         'a missing comma'),
        (b'{"a": 1, "a": 2}\n', 'JSON parse error, duplicate key',
         'a duplicate key'),
        (b'tru\n', "JSON parse error, invalid keyword 'tru'",
         'a bad keyword'),
        (b'"\\ud800"\n',
         'JSON parse error, \\ud800 is not a valid Unicode character',
         'a lone surrogate'),
        (b'"\xff"\n', "JSON parse error, stray '\"\ufffd'",
         'a byte that is never UTF-8'),
]:
    q.send_raw(data)
    t.eq(error_of(q.reply()), generic(desc), 'invalid JSON: %s' % what)
t.eq(q.cmd('query-status')['return']['status'], 'running',
     'a valid command after invalid JSON works')
q.send_raw(b'{"execute": "query-status", "id": 1} '
           b'{"execute": "query-version", "id": 2}')
t.eq([q.reply()['id'], q.reply()['id']], [1, 2],
     'two commands in one packet, without newlines')
q.send_raw(b'{"execute":')
q.send_raw(b' "query-status",')
q.send_raw(b' "id": "split"}')
t.eq(q.reply().get('id'), 'split', 'a command split over packets')
q.send_raw(b'garbage {"execute": "query-status", "id": "after"}\n')
t.eq(error_of(q.reply()), generic("JSON parse error, invalid keyword "
                                  "'garbage'"), 'garbage before a command')
t.eq(q.reply().get('id'), 'after', '... and the command still runs')
q.send_raw(b'"abc\x01def {"execute": "query-status", "id": "resync"}\n')
t.eq(error_of(q.reply()), generic('JSON parse error, stray \'"abc\x01\''),
     'a control character in a string')
t.eq(q.reply().get('id'), 'resync',
     'the lexer resynchronises at the next structural character')

# --- limits (QEMU's: 64 MiB per message, 2^21 tokens, depth 1024) ---------
q.send_raw(b'[' * 1025 + b'\n')
replies = sync(q, 'depth')
t.ok(error_of(replies[0]) ==
     generic('JSON nesting depth limit exceeded') if replies else False,
     'nesting deeper than 1024 is refused', replies[:3])
q.send_raw(b'[' * 1024 + b']' * 1024 + b'\n')
replies = sync(q, 'depth-ok')
t.eq([error_of(r) for r in replies],
     [generic('QMP input must be a JSON object')],
     'nesting of exactly 1024 parses')
q.send_raw(b'[' + b'0,' * (1 << 20) + b'0]\n')
replies = sync(q, 'count')
t.ok(replies and error_of(replies[0]) ==
     generic('JSON token count limit exceeded'),
     'more than 2^21 tokens in a message are refused',
     replies[:3])
q.send_raw(b'{"execute": "' + b'a' * (64 << 20) + b'"}\n')
replies = sync(q, 'size')
t.ok(replies and error_of(replies[0]) ==
     generic('JSON token size limit exceeded'),
     'a message of 64 MiB is refused', [error_of(r) for r in replies[:3]])
t.eq(q.cmd('query-status')['return']['status'], 'running',
     'the client is served normally after the limits')
q.close()

# --- clients come and go ---------------------------------------------------
a = QMP(vm.qmp_path, negotiate=False)
a.send_raw(b'x' * (1 << 20) + b'\n')
rsp = a.reply()
t.ok(error_of(rsp)[1] == "JSON parse error, invalid keyword '%s'"
     % ('x' * (1 << 20)), 'a 1 MiB garbage line gets an error',
     str(rsp)[:200])
a.close()
b = QMP(vm.qmp_path)
t.eq(b.command('query-status')['status'], 'running',
     'after a 1 MiB line the next client is served')
b.close()

a = QMP(vm.qmp_path)
a.send_raw(b'{"execute": "query-st')
a.close()
b = QMP(vm.qmp_path, negotiate=False)
t.eq(b.greeting['QMP']['capabilities'], ['oob'],
     'after a client left mid-command the next client gets a greeting')
t.eq(error_of(b.cmd('query-status')),
     ('CommandNotFound',
      "Expecting capabilities negotiation with 'qmp_capabilities'"),
     '... and must negotiate again (nothing carried over)')
b.command('qmp_capabilities')
t.eq(b.command('query-status')['status'], 'running', '... and is served')
b.close()

a = QMP(vm.qmp_path)
a.send_raw(b'{"execute": "query-commands"}\n' * 50)
a.close()
b = QMP(vm.qmp_path)
t.eq(b.command('query-status')['status'], 'running',
     'a client that leaves without reading its replies harms nobody')
b.close()

mode = stat.S_IMODE(os.stat(vm.qmp_path).st_mode)
t.eq(oct(mode), oct(0o600), 'the QMP socket is created with mode 0600')

# --- run state and its events ----------------------------------------------
q = QMP(vm.qmp_path)
t.eq(q.command('query-status'),
     {'status': 'running', 'singlestep': False, 'running': True},
     'query-status while running (QEMU 7.2 members)')
t.eq(q.cmd('stop'), {'return': {}}, 'stop')
t.eq([e['event'] for e in q.clear_events()], ['STOP'],
     'STOP arrives before stop\'s reply')
t.eq(q.command('query-status'),
     {'status': 'paused', 'singlestep': False, 'running': False},
     'query-status while paused')
t.eq(q.hmp('info status'), 'VM status: paused\r\n', 'info status: paused')
q.cmd('stop')
sync(q, 'no-event')
t.eq(q.clear_events(), [], 'stop while paused sends no event')
t.eq(q.cmd('cont'), {'return': {}}, 'cont')
ev = q.clear_events()
t.ok([e['event'] for e in ev] == ['RESUME'] and 'data' not in ev[0] and
     set(ev[0]['timestamp']) == {'seconds', 'microseconds'},
     'RESUME with a timestamp and no data', ev)
t.eq(q.command('query-status')['status'], 'running', 'running again')
t.eq(q.hmp('info status'), 'VM status: running\r\n', 'info status: running')
q.cmd('cont')
sync(q, 'no-event-2')
t.eq(q.clear_events(), [], 'cont while running sends no event')

q.cmd('system_reset')
ev = q.clear_events()
t.eq([(e['event'], e.get('data')) for e in ev],
     [('RESET', {'guest': False, 'reason': 'host-qmp-system-reset'})],
     'system_reset: RESET (host-qmp-system-reset) before the reply')
t.eq(q.command('query-status')['status'], 'running',
     'a reset while running keeps running')
q.cmd('stop')
q.cmd('system_reset')
t.eq(q.command('query-status')['status'], 'prelaunch',
     'a reset while paused leaves the VM in prelaunch (as QEMU)')
t.eq(q.hmp('info status'), 'VM status: paused (prelaunch)\r\n',
     'info status: paused (prelaunch)')
q.cmd('cont')
q.clear_events()

# --- the object tree -------------------------------------------------------
root = q.command('qom-list', path='/')
names = {p['name']: p['type'] for p in root}
t.ok(names.get('machine', '').startswith('child<'),
     'qom-list / shows the machine as a child', root)
machine_type = names.get('machine', 'child<?>')[6:-1]
t.eq(q.hmp('info qom-tree').split('\r\n')[0],
     '/machine (%s)' % machine_type, 'info qom-tree starts at /machine')
t.eq(q.hmp('info qom-tree /').split('\r\n')[:2],
     ['/ (container)', '  /machine (%s)' % machine_type],
     'info qom-tree /: two spaces of indent per level')
t.eq(q.hmp('info qom-tree /nope'),
     "Path '/nope' could not be resolved.\r\n", 'info qom-tree of no path')
t.eq(error_of(q.cmd('qom-list', path='/nope')),
     ('DeviceNotFound', "Device '/nope' not found"), 'qom-list of no path')

types = q.command('qom-list-types', implements='memory-backend',
                  abstract=True)
byname = {ty['name']: ty for ty in types}
t.eq(byname.get('memory-backend'),
     {'name': 'memory-backend', 'abstract': True, 'parent': 'object'},
     'qom-list-types: abstract types with abstract=true')
t.eq(byname.get('memory-backend-ram'),
     {'name': 'memory-backend-ram', 'parent': 'memory-backend'},
     'qom-list-types: "abstract" only appears when true')
t.ok('memory-backend' not in
     [ty['name'] for ty in q.command('qom-list-types',
                                     implements='memory-backend')],
     'qom-list-types leaves abstract types out by default')
t.eq(q.command('qom-list-types', implements='no-such-type'), [],
     'qom-list-types of an unknown type is empty')
props = q.command('qom-list-properties', typename='memory-backend-ram')
size = [p for p in props if p['name'] == 'size']
t.ok(size and size[0]['type'] == 'size' or size and size[0]['type'] == 'int',
     'qom-list-properties lists size', size)
failed = []
for ty in q.command('qom-list-types', abstract=True):
    rsp = q.cmd('qom-list-properties', typename=ty['name'])
    if 'error' in rsp:
        failed.append((ty['name'], error_of(rsp)))
t.eq(failed, [], 'qom-list-properties answers for every type')
t.eq(error_of(q.cmd('qom-list-properties', typename='nope')),
     ('DeviceNotFound', "Class 'nope' not found"),
     'qom-list-properties of an unknown type')

t.eq(q.cmd('object-add', {'qom-type': 'memory-backend-ram', 'id': 'm0',
                          'size': 1 << 20}), {'return': {}},
     'object-add with flat properties')
t.eq(q.command('qom-get', path='/objects/m0', property='size'), 1 << 20,
     'qom-get reads the property back')
t.eq(q.command('qom-get', path='m0', property='size'), 1 << 20,
     'qom-get with a partial path')
t.eq(error_of(q.cmd('object-add', {'id': 'm1'})),
     generic("Parameter 'qom-type' is missing"), 'object-add without type')
t.eq(error_of(q.cmd('object-add', {'qom-type': 'nope', 'id': 'm1'})),
     generic("Parameter 'qom-type' does not accept value 'nope'"),
     'object-add of an unknown type')
t.eq(error_of(q.cmd('object-add', {'qom-type': 'memory-backend-ram'})),
     generic("Parameter 'id' is missing"), 'object-add without id')
t.eq(q.cmd('object-del', id='m0'), {'return': {}}, 'object-del')
t.eq(error_of(q.cmd('object-del', id='m0')),
     generic("object 'm0' not found"), 'object-del of a deleted object')
t.eq(q.hmp('object_add memory-backend-ram,id=h0,size=1M'), '',
     'HMP object_add')
t.eq(q.command('qom-get', path='/objects/h0', property='size'), 1 << 20,
     '... created the object')
t.eq(q.hmp('object_add'), 'object_add: string expected\r\nTry "help '
     'object_add" for more information\r\n', 'HMP object_add without args')
t.eq(q.hmp('object_add nope,id=h1'), "Error: Parameter 'qom-type' does not "
     "accept value 'nope'\r\n", 'HMP object_add error')
t.eq(q.hmp('object_del h0'), '', 'HMP object_del')
t.eq(q.hmp('object_del h0'), "Error: object 'h0' not found\r\n",
     'HMP object_del error')

# --- HMP through QMP -------------------------------------------------------
t.eq(q.hmp('foo'), "unknown command: 'foo'\r\n", 'HMP unknown command')
t.eq(q.hmp('info foo'), "unknown command: 'info foo'\r\n",
     'HMP unknown info subcommand')
t.eq(q.hmp('help quit'), 'quit|q  -- quit the emulator\r\n', 'HMP help quit')
t.eq(q.hmp('info status now'), 'status: extraneous characters at the end '
     'of line\r\nTry "help info status" for more information\r\n',
     'HMP command given arguments it does not take')
t.ok('info status  -- show the current VM status (running|paused)\r\n'
     in q.hmp('info'), 'info lists the info subcommands')
t.eq(q.hmp(''), '', 'an empty HMP line does nothing')
cmds = [c['name'] for c in q.command('query-commands')]
t.ok({'qmp_capabilities', 'query-status', 'quit', 'qom-get'} <= set(cmds),
     'query-commands lists the commands', cmds)
t.eq(q.command('query-version'), {'qemu': {'micro': 0, 'minor': 2,
                                           'major': 7}, 'package': PACKAGE},
     'query-version')

# --- quit ------------------------------------------------------------------
rsp = q.cmd('quit')
ev = q.clear_events()
t.eq(rsp, {'return': {}}, 'quit replies')
t.eq([(e['event'], e.get('data')) for e in ev],
     [('SHUTDOWN', {'guest': False, 'reason': 'host-qmp-quit'})],
     'quit: SHUTDOWN (host-qmp-quit) before the reply, as QEMU')
t.eq(vm.wait(), 0, 'memvm exits with status 0 after quit')
t.ok(not os.path.exists(vm.qmp_path), 'the socket is removed at exit')
vm.cleanup()

# --- two QMP monitors get the same events --------------------------------
vm = VM(ARGS)
second = os.path.join(vm.dir, 'second.sock')
vm.args += ['-qmp', 'unix:%s,server=on,wait=off' % second]
with vm:
    other = QMP(second)
    vm.qmp.cmd('stop')
    t.eq(other.wait_event('STOP', timeout=10)['event'], 'STOP',
         'an event reaches every negotiated monitor')
    other.close()

# --- signals ---------------------------------------------------------------
with VM(ARGS) as vm:
    vm.proc.send_signal(signal.SIGTERM)
    ev = vm.qmp.wait_event('SHUTDOWN', timeout=10)
    t.eq(ev.get('data'), {'guest': False, 'reason': 'host-signal'},
         'SIGTERM: SHUTDOWN with reason host-signal')
    t.eq(vm.wait(), 0, 'SIGTERM: exit status 0')
    t.ok('terminating on signal 15' in vm.stderr,
         'SIGTERM: "terminating on signal 15" on stderr', vm.stderr)

# --- other transports ------------------------------------------------------
p = subprocess.run([binary(), '-qmp', 'stdio', '-display', 'none'] + ARGS,
                   input=b'{"execute": "qmp_capabilities"}\n'
                         b'{"execute": "quit"}\n',
                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
lines = p.stdout.split(b'\r\n')
t.ok(p.returncode == 0 and lines[0].startswith(b'{"QMP": ') and
     lines[1] == b'{"return": {}}' and b'"SHUTDOWN"' in lines[2] and
     lines[3] == b'{"return": {}}',
     '-qmp stdio: greeting, negotiation, quit', p.stdout)

with socket.socket() as probe:
    probe.bind(('127.0.0.1', 0))
    port = probe.getsockname()[1]
vm = VM(ARGS + ['-qmp', 'tcp::%d,server=on,wait=off' % port])
with vm:
    s = socket.create_connection(('127.0.0.1', port), timeout=30)
    f = s.makefile('rwb')
    greeting = json.loads(f.readline())
    f.write(b'{"execute": "qmp_capabilities"}\n')
    f.flush()
    t.ok('QMP' in greeting and json.loads(f.readline()) == {'return': {}},
         '-qmp tcp::PORT listens on 127.0.0.1')
    s.close()

p = subprocess.run([binary(), '-monitor', 'stdio', '-display', 'none'] +
                   ARGS, input=b'info status\nfoo\nquit\n',
                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
t.eq(p.stdout.decode(),
     "memvm %s monitor - type 'help' for more information\r\n"
     "(memvm) VM status: running\r\n"
     "(memvm) unknown command: 'foo'\r\n"
     "(memvm) " % VERSION, '-monitor stdio: banner, prompt, replies')
t.eq(p.returncode, 0, '-monitor stdio: quit exits with status 0')

vm = VM(ARGS)
hmp_path = os.path.join(vm.dir, 'hmp.sock')
vm.args += ['-monitor', 'unix:%s,server=on,wait=off' % hmp_path]
with vm:
    for attempt in ('first', 'second'):
        s, got = hmp_connect(hmp_path)
        s.sendall(b'info status\r\n')
        while not got.endswith(b'running\r\n(memvm) '):
            got += s.recv(4096)
        t.eq(got.decode(), "memvm %s monitor - type 'help' for more "
             "information\r\n(memvm) VM status: running\r\n(memvm) "
             % VERSION, '-monitor unix: %s client gets the banner and '
             'answers' % attempt)
        s.close()

status, _, err = run(['-qmp', 'stdio', '-monitor', 'stdio'] + ARGS)
t.ok(status != 0 and 'cannot use stdio by multiple character devices' in err,
     'two monitors on stdio are refused', err)
status, _, err = run(['-qmp', 'bogus:x'] + ARGS)
t.ok(status != 0 and "-qmp bogus:x: 'bogus:x' is not a valid char driver"
     in err, 'a bad -qmp spec is refused with the option named', err)

t.done()
