/* Device ids of the CLI (src/cli/devices.c): how each form is recognized,
 * and what a list of ids selects in a hand-made inventory of four GPUs,
 * GPU 1 with two MIG devices and GPUs 1 and 2 MIG-capable. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "cli/devices.h"
#include "unit.h"

/* --- parsing ------------------------------------------------------------- */

struct parse_case {
        const char *token;
        enum devid_kind kind;
        size_t gpu;          /* DEVID_INDEX, DEVID_MIG_INDEX */
        size_t mig;          /* DEVID_MIG_INDEX */
        const char *busid;   /* DEVID_PCI */
};

static const struct parse_case parse_cases[] = {
        {"all", DEVID_ALL, 0, 0, NULL},
        {"ALL", DEVID_ALL, 0, 0, NULL},
        {"All", DEVID_ALL, 0, 0, NULL},
        {"GPU-0-FAKE-UUID", DEVID_GPU_UUID, 0, 0, NULL},
        {"gpu-b8ea3855-276c-c9cb-b366-c6fa655957c5", DEVID_GPU_UUID, 0, 0, NULL},
        {"GPU-", DEVID_INVALID, 0, 0, NULL},
        {"GPU", DEVID_INVALID, 0, 0, NULL},
        {"MIG-1-0-FAKE-UUID", DEVID_MIG_UUID, 0, 0, NULL},
        {"mig-x", DEVID_MIG_UUID, 0, 0, NULL},
        {"MIG-GPU-b8ea3855-276c-c9cb-b366-c6fa655957c5/1/0", DEVID_MIG_UUID, 0, 0, NULL},
        {"MIG-", DEVID_INVALID, 0, 0, NULL},
        {"0", DEVID_INDEX, 0, 0, NULL},
        {"15", DEVID_INDEX, 15, 0, NULL},
        {"007", DEVID_INDEX, 7, 0, NULL},
        {"99999999999999999999999", DEVID_INVALID, 0, 0, NULL},
        {"-1", DEVID_INVALID, 0, 0, NULL},
        {"+1", DEVID_INVALID, 0, 0, NULL},
        {" 1", DEVID_INVALID, 0, 0, NULL},
        {"1 ", DEVID_INVALID, 0, 0, NULL},
        {"0x1", DEVID_INVALID, 0, 0, NULL},
        {"1.0", DEVID_INVALID, 0, 0, NULL},
        {"0000:01:00.0", DEVID_PCI, 0, 0, "00000000:01:00.0"},
        {"00000000:01:00.0", DEVID_PCI, 0, 0, "00000000:01:00.0"},
        {"0:1:0", DEVID_PCI, 0, 0, "00000000:01:00.0"},
        {"0000:0A:1f", DEVID_PCI, 0, 0, "00000000:0a:1f.0"},
        {"1d:c4:00.0", DEVID_PCI, 0, 0, "0000001d:c4:00.0"},
        {"0000:01:00.1", DEVID_INVALID, 0, 0, NULL},
        {"0000:01:00.", DEVID_INVALID, 0, 0, NULL},
        {"000000000:01:00.0", DEVID_INVALID, 0, 0, NULL},
        {"0000:001:00.0", DEVID_INVALID, 0, 0, NULL},
        {"0000:01:00.0x", DEVID_INVALID, 0, 0, NULL},
        {"1:0", DEVID_MIG_INDEX, 1, 0, NULL},
        {"10:3", DEVID_MIG_INDEX, 10, 3, NULL},
        {"1:", DEVID_INVALID, 0, 0, NULL},
        {":1", DEVID_INVALID, 0, 0, NULL},
        {"1:2:3:4", DEVID_INVALID, 0, 0, NULL},
        {"", DEVID_INVALID, 0, 0, NULL},
        {"none", DEVID_INVALID, 0, 0, NULL},
        {"void", DEVID_INVALID, 0, 0, NULL},
};

START_TEST(parse_forms)
{
        const struct parse_case *c = &parse_cases[_i];
        struct devid id;

        devid_parse(c->token, &id);
        ck_assert_msg(id.kind == c->kind, "'%s': kind %d, want %d", c->token, id.kind, c->kind);
        ck_assert_ptr_eq(id.text, c->token);
        if (c->kind == DEVID_INDEX || c->kind == DEVID_MIG_INDEX)
                ck_assert_uint_eq(id.gpu, c->gpu);
        if (c->kind == DEVID_MIG_INDEX)
                ck_assert_uint_eq(id.mig, c->mig);
        if (c->kind == DEVID_PCI)
                ck_assert_str_eq(id.busid, c->busid);
}
END_TEST

/* --- a hand-made inventory ----------------------------------------------- */

static struct nvc_device gpus[4];
static struct nvc_mig_device migs[2];
static struct nvc_device_info inventory = {gpus, 4};

static char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *xasprintf(const char *fmt, ...)
{
        char *s = NULL;
        va_list ap;

        va_start(ap, fmt);
        ck_assert_int_ge(vasprintf(&s, fmt, ap), 0);
        va_end(ap);
        return s;
}

static void inventory_setup(void)
{
        memset(gpus, 0, sizeof(gpus));
        memset(migs, 0, sizeof(migs));
        for (unsigned i = 0; i < 4; i++) {
                gpus[i].uuid = xasprintf("GPU-%u-FAKE-UUID", i);
                /* NVML prints upper-case hex: GPU 3 sits on bus 0x0A. */
                gpus[i].busid = xasprintf("00000000:%02X:00.0", i == 3 ? 10 : i + 1);
                gpus[i].node.path = xasprintf("/dev/nvidia%u", i);
                gpus[i].node.id = makedev(195, i);
                gpus[i].mig_caps_path = xasprintf("/proc/driver/nvidia/capabilities/gpu%u", i);
        }
        gpus[1].mig_capable = gpus[2].mig_capable = true;
        for (unsigned j = 0; j < 2; j++) {
                migs[j].parent = &gpus[1];
                migs[j].uuid = xasprintf("MIG-1-%u-FAKE-UUID", j);
                migs[j].gi = j + 1;
        }
        gpus[1].mig_devices = (struct nvc_mig_device_info){migs, 2};
}

static void inventory_teardown(void)
{
        for (unsigned i = 0; i < 4; i++) {
                free(gpus[i].uuid);
                free(gpus[i].busid);
                free(gpus[i].node.path);
                free(gpus[i].mig_caps_path);
        }
        for (unsigned j = 0; j < 2; j++)
                free(migs[j].uuid);
}

/* A selection written as "g0 g2 | m1:0": GPU indexes then MIG devices. */
static void describe(const struct devices *d, char *buf, size_t size)
{
        size_t n = 0;

        buf[0] = '\0';
        for (size_t i = 0; i < d->ngpus; i++)
                n += (size_t)snprintf(buf + n, size - n, "%sg%td", n ? " " : "", d->gpus[i] - gpus);
        n += (size_t)snprintf(buf + n, size - n, "%s|", n ? " " : "");
        for (size_t i = 0; i < d->nmigs; i++)
                n += (size_t)snprintf(buf + n, size - n, " m1:%td", d->migs[i] - migs);
        if (d->all)
                snprintf(buf + n, size - n, " (all)");
}

/* --- selection ----------------------------------------------------------- */

struct select_case {
        const char *ids;
        const char *want;    /* describe() of the selection, or NULL */
        const char *error;   /* the error, or NULL */
};

static const struct select_case select_cases[] = {
        {NULL, "|", NULL},
        {"", "|", NULL},
        {"0", "g0 |", NULL},
        {"2,0", "g2 g0 |", NULL},
        {"0,0", "g0 |", NULL},
        {",,1,,", "g1 |", NULL},
        {"all", "g0 g1 g2 g3 | m1:0 m1:1 (all)", NULL},
        {"ALL", "g0 g1 g2 g3 | m1:0 m1:1 (all)", NULL},
        {"1,all,bogus", "g1 g0 g2 g3 | m1:0 m1:1 (all)", NULL},
        {"GPU-2-FAKE-UUID", "g2 |", NULL},
        {"gpu-2-fake-uuid", "g2 |", NULL},
        {"GPU-2-FAKE", NULL, "unknown device id: GPU-2-FAKE"},
        {"GPU-2-FAKE-UUID-X", NULL, "unknown device id: GPU-2-FAKE-UUID-X"},
        {"0000:03:00.0", "g2 |", NULL},
        {"0:a:0", "g3 |", NULL},
        {"0000:09:00.0", NULL, "unknown device id: 0000:09:00.0"},
        {"1:1", "g1 | m1:1", NULL},
        {"MIG-1-0-FAKE-UUID", "g1 | m1:0", NULL},
        {"mig-1-1-fake-uuid", "g1 | m1:1", NULL},
        {"1:0,1", "g1 | m1:0", NULL},
        {"1,1:0,1:0", "g1 | m1:0", NULL},
        {"4", NULL, "unknown device id: 4"},
        {"0:0", NULL, "unknown device id: 0:0"},
        {"1:2", NULL, "unknown device id: 1:2"},
        {"none", NULL, "unknown device id: none"},
        {"0,bogus,1", NULL, "unknown device id: bogus"},
        {"MIG-9-9-FAKE-UUID", NULL, "unknown device id: MIG-9-9-FAKE-UUID"},
};

START_TEST(select_ids)
{
        const struct select_case *c = &select_cases[_i];
        struct error err = {0};
        struct devices d;
        char got[256];
        int rv;

        ck_assert_int_eq(devices_init(&err, &d, &inventory), 0);
        rv = devices_select(&err, &d, c->ids, &inventory);
        if (c->error != NULL) {
                ck_assert_int_eq(rv, -1);
                ck_assert_str_eq(error_msg(&err), c->error);
        } else {
                ck_assert_msg(rv == 0, "'%s': %s", c->ids, error_msg(&err));
                describe(&d, got, sizeof(got));
                ck_assert_msg(strcmp(got, c->want) == 0, "'%s': got '%s', want '%s'", c->ids, got, c->want);
        }
        devices_free(&d);
        error_reset(&err);
}
END_TEST

START_TEST(select_without_gpus)
{
        struct nvc_device_info none = {NULL, 0};
        struct error err = {0};
        struct devices d;

        ck_assert_int_eq(devices_init(&err, &d, &none), 0);
        ck_assert_int_eq(devices_select(&err, &d, "all", &none), 0);
        ck_assert_uint_eq(d.ngpus, 0);
        ck_assert(d.all);
        ck_assert_int_eq(devices_select(&err, &d, "0", &none), -1);
        ck_assert_str_eq(error_msg(&err), "unknown device id: 0");
        devices_free(&d);
        error_reset(&err);
}
END_TEST

/* --- --mig-config / --mig-monitor ----------------------------------------- */

struct mig_caps_case {
        const char *visible;
        const char *ids;
        const char *want;
        const char *error;
};

static const struct mig_caps_case mig_caps_cases[] = {
        {"all", "all", "g1 g2 | (all)", NULL},
        {"all", ",ALL,", "g1 g2 | (all)", NULL},
        {"all", NULL, "|", NULL},
        {"0,1", "all", "g1 | (all)", NULL},
        {"0,3", "all", "| (all)", NULL},
        {"2,0", "all", "g2 | (all)", NULL},
        {"1:0", "all", NULL, "all: cannot enable mig-config with specific MIG devices selected"},
        {"all", "0", NULL, "0: only 'all' devices are currently supported"},
        {"all", "all,0", "g1 g2 | (all)", NULL},
        {"all", "0,all", NULL, "0: only 'all' devices are currently supported"},
};

START_TEST(select_mig_caps)
{
        const struct mig_caps_case *c = &mig_caps_cases[_i];
        struct error err = {0};
        struct devices visible, d;
        char got[256];
        int rv;

        ck_assert_int_eq(devices_init(&err, &visible, &inventory), 0);
        ck_assert_int_eq(devices_init(&err, &d, &inventory), 0);
        ck_assert_int_eq(devices_select(&err, &visible, c->visible, &inventory), 0);
        rv = devices_select_mig_caps(&err, &d, c->ids, &visible, "mig-config");
        if (c->error != NULL) {
                ck_assert_int_eq(rv, -1);
                ck_assert_str_eq(error_msg(&err), c->error);
        } else {
                ck_assert_msg(rv == 0, "%s / %s: %s", c->visible, c->ids, error_msg(&err));
                describe(&d, got, sizeof(got));
                ck_assert_msg(strcmp(got, c->want) == 0, "%s / %s: got '%s', want '%s'", c->visible, c->ids, got,
                              c->want);
        }
        devices_free(&visible);
        devices_free(&d);
        error_reset(&err);
}
END_TEST

Suite *devid_suite(void)
{
        Suite *s = suite_create("devid");
        TCase *parse = tcase_create("parse");
        TCase *select = tcase_create("select");

        tcase_add_loop_test(parse, parse_forms, 0, (int)(sizeof(parse_cases) / sizeof(parse_cases[0])));
        suite_add_tcase(s, parse);
        tcase_add_checked_fixture(select, inventory_setup, inventory_teardown);
        tcase_add_loop_test(select, select_ids, 0, (int)(sizeof(select_cases) / sizeof(select_cases[0])));
        tcase_add_test(select, select_without_gpus);
        tcase_add_loop_test(select, select_mig_caps, 0, (int)(sizeof(mig_caps_cases) / sizeof(mig_caps_cases[0])));
        suite_add_tcase(s, select);
        return s;
}
