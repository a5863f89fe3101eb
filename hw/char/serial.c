/*
 * 16550A UART without interrupts (see include/hw/char/serial.h).
 *
 * Register layout and reset values follow the National/TI 16550A data
 * sheet, which is what QEMU's serial device models too.
 */
#include "hw/char/serial.h"
#include "hw/char/uart-vmstate.h"
#include "migration/register.h"
#include "qom/object.h"

#define TYPE_SERIAL "serial"
OBJECT_DECLARE_SIMPLE_TYPE(SerialState, SERIAL)

/* Register offsets (before the MMIO shift). */
enum {
    UART_RBR_THR = 0,   /* DLL when LCR.DLAB */
    UART_IER = 1,       /* DLM when LCR.DLAB */
    UART_IIR_FCR = 2,
    UART_LCR = 3,
    UART_MCR = 4,
    UART_LSR = 5,
    UART_MSR = 6,
    UART_SCR = 7,
};

#define UART_LCR_DLAB 0x80
#define UART_MCR_LOOP 0x10
#define UART_LSR_DR 0x01    /* a received byte is waiting */
#define UART_LSR_THRE 0x20  /* transmit holding register empty */
#define UART_LSR_TEMT 0x40  /* transmitter idle */
#define UART_IIR_NO_INT 0x01
#define UART_IIR_FIFO 0xc0  /* "FIFOs enabled" as a 16550A reports it */
#define UART_FCR_ENABLE 0x01
#define UART_FCR_CLEAR_RX 0x02
/* CTS, DSR and DCD asserted: a terminal is attached. */
#define UART_MSR_IDLE 0xb0

/*
 * Input waits here until the guest reads it.  The hardware FIFO holds 16
 * bytes, but our chardev has no flow control, so keep a larger buffer
 * rather than drop pasted text.
 */
#define SERIAL_RX_SIZE 4096

struct SerialState {
    Object parent_obj;
    MemoryRegion io;
    Chardev *chr;
    unsigned regshift;
    GMutex lock;            /* everything below */
    uint8_t ier, lcr, mcr, scr, fcr;
    uint16_t divider;
    uint8_t rx[SERIAL_RX_SIZE];
    unsigned rx_head, rx_count;
};

static void serial_rx_push_locked(SerialState *s, uint8_t byte)
{
    if (s->rx_count < SERIAL_RX_SIZE) {
        s->rx[(s->rx_head + s->rx_count) % SERIAL_RX_SIZE] = byte;
        s->rx_count++;
    }
}

static uint8_t serial_rx_pop_locked(SerialState *s)
{
    uint8_t byte;

    if (!s->rx_count) {
        return 0;
    }
    byte = s->rx[s->rx_head];
    s->rx_head = (s->rx_head + 1) % SERIAL_RX_SIZE;
    s->rx_count--;
    return byte;
}

static uint64_t serial_read(void *opaque, hwaddr addr, unsigned size)
{
    SerialState *s = opaque;
    unsigned reg = addr >> s->regshift;
    uint64_t val = 0;

    g_mutex_lock(&s->lock);
    switch (reg) {
    case UART_RBR_THR:
        val = (s->lcr & UART_LCR_DLAB) ? (s->divider & 0xff)
                                       : serial_rx_pop_locked(s);
        break;
    case UART_IER:
        val = (s->lcr & UART_LCR_DLAB) ? (s->divider >> 8) : s->ier;
        break;
    case UART_IIR_FCR:
        val = UART_IIR_NO_INT |
              ((s->fcr & UART_FCR_ENABLE) ? UART_IIR_FIFO : 0);
        break;
    case UART_LCR:
        val = s->lcr;
        break;
    case UART_MCR:
        val = s->mcr;
        break;
    case UART_LSR:
        val = UART_LSR_THRE | UART_LSR_TEMT |
              (s->rx_count ? UART_LSR_DR : 0);
        break;
    case UART_MSR:
        val = (s->mcr & UART_MCR_LOOP) ? 0 : UART_MSR_IDLE;
        break;
    case UART_SCR:
        val = s->scr;
        break;
    }
    g_mutex_unlock(&s->lock);
    return val;
}

static void serial_write(void *opaque, hwaddr addr, uint64_t val,
                         unsigned size)
{
    SerialState *s = opaque;
    unsigned reg = addr >> s->regshift;
    uint8_t byte = val;
    bool send = false;

    g_mutex_lock(&s->lock);
    switch (reg) {
    case UART_RBR_THR:
        if (s->lcr & UART_LCR_DLAB) {
            s->divider = (s->divider & 0xff00) | byte;
        } else if (s->mcr & UART_MCR_LOOP) {
            /* Loopback mode: what is sent comes back as input. */
            serial_rx_push_locked(s, byte);
        } else {
            send = true;
        }
        break;
    case UART_IER:
        if (s->lcr & UART_LCR_DLAB) {
            s->divider = (s->divider & 0x00ff) | (byte << 8);
        } else {
            s->ier = byte & 0x0f;
        }
        break;
    case UART_IIR_FCR:
        s->fcr = byte & 0xc9;
        if (byte & UART_FCR_CLEAR_RX) {
            s->rx_head = s->rx_count = 0;
        }
        break;
    case UART_LCR:
        s->lcr = byte;
        break;
    case UART_MCR:
        s->mcr = byte & 0x1f;
        break;
    case UART_SCR:
        s->scr = byte;
        break;
    }
    g_mutex_unlock(&s->lock);
    /* Outside the lock: the chardev may block briefly on a slow peer. */
    if (send && s->chr) {
        chr_write(s->chr, &byte, 1);
    }
}

static const MemoryRegionOps serial_ops = {
    .read = serial_read,
    .write = serial_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .min_access_size = 1,
    .max_access_size = 1,
};

static void serial_chr_read(void *opaque, const char *buf, size_t len)
{
    SerialState *s = opaque;

    g_mutex_lock(&s->lock);
    for (size_t i = 0; i < len; i++) {
        serial_rx_push_locked(s, buf[i]);
    }
    g_mutex_unlock(&s->lock);
}

static void serial_instance_init(Object *obj)
{
    SerialState *s = SERIAL(obj);

    g_mutex_init(&s->lock);
    /* Reset values: 8 data bits, 9600 baud from a 1.8432 MHz clock. */
    s->lcr = 0x03;
    s->divider = 12;
}

/* --- migration: section "memvm-serial" (docs/migration-devices.md) -- */

#define SERIAL_VMSTATE_VERSION 1

static void serial_save(QEMUFile *f, void *opaque)
{
    SerialState *s = opaque;

    g_mutex_lock(&s->lock);
    qemu_put_be16(f, s->divider);
    qemu_put_byte(f, s->ier);
    qemu_put_byte(f, s->lcr);
    qemu_put_byte(f, s->mcr);
    qemu_put_byte(f, s->scr);
    qemu_put_byte(f, s->fcr);
    uart_rx_save(f, s->rx, SERIAL_RX_SIZE, s->rx_head, s->rx_count);
    g_mutex_unlock(&s->lock);
}

static bool serial_load(QEMUFile *f, void *opaque, int version_id,
                        Error **errp)
{
    SerialState *s = opaque;
    bool ok;

    g_mutex_lock(&s->lock);
    s->divider = qemu_get_be16(f);
    s->ier = qemu_get_byte(f) & 0x0f;
    s->lcr = qemu_get_byte(f);
    s->mcr = qemu_get_byte(f) & 0x1f;
    s->scr = qemu_get_byte(f);
    s->fcr = qemu_get_byte(f) & 0xc9;
    ok = uart_rx_load(f, "memvm-serial", s->rx, SERIAL_RX_SIZE,
                      &s->rx_head, &s->rx_count, errp);
    g_mutex_unlock(&s->lock);
    return ok;
}

static const VMStateDescField serial_fields[] = {
    { "divider", "uint16", 2 }, { "ier", "uint8", 1 },
    { "lcr", "uint8", 1 }, { "mcr", "uint8", 1 },
    { "scr", "uint8", 1 }, { "fcr", "uint8", 1 },
    { "rx", "buffer", 0 },
    { NULL }
};

static const SaveVMHandlers serial_handlers = {
    .save_state = serial_save,
    .load_state = serial_load,
    .vmsd_name = "memvm-serial",
    .fields = serial_fields,
};

static SerialState *serial_new(const char *type, MemoryRegion *parent,
                               hwaddr base, unsigned regshift, Chardev *chr)
{
    SerialState *s = SERIAL(object_new(type));

    s->chr = chr;
    s->regshift = regshift;
    memory_region_init_io(&s->io, OBJECT(s), &serial_ops, s, "serial",
                          SERIAL_IO_SIZE << regshift);
    memory_region_add_subregion(parent, base, &s->io);
    if (chr) {
        chr_set_handlers(chr, serial_chr_read, NULL, s);
    }
    register_savevm_live("memvm-serial",
                         uart_vmstate_next_instance("memvm-serial"),
                         SERIAL_VMSTATE_VERSION, &serial_handlers, s);
    return s;
}

SerialState *serial_io_create(MemoryRegion *io, hwaddr iobase, Chardev *chr)
{
    return serial_new(TYPE_ISA_SERIAL, io, iobase, 0, chr);
}

SerialState *serial_mm_create(MemoryRegion *sysmem, hwaddr base,
                              unsigned regshift, Chardev *chr)
{
    return serial_new(TYPE_SERIAL_MM, sysmem, base, regshift, chr);
}

static const TypeInfo serial_types[] = {
    {
        .name = TYPE_SERIAL,
        .parent = TYPE_OBJECT,
        .abstract = true,
        .instance_size = sizeof(SerialState),
        .instance_init = serial_instance_init,
    }, {
        .name = TYPE_ISA_SERIAL,
        .parent = TYPE_SERIAL,
    }, {
        .name = TYPE_SERIAL_MM,
        .parent = TYPE_SERIAL,
    },
};

static void serial_register_types(void)
{
    type_register_static_array(serial_types, G_N_ELEMENTS(serial_types));
}
type_init(serial_register_types)
