/* The fake driver's setup tool: argument parsing and the inventory it builds. */
#include <stdio.h>
#include <string.h>

#include "setup/setup.h"
#include "unit.h"

#define MAX_ARGS 16

static int parse(const char *const *args, struct setup_options *opts, struct error *err)
{
        char *argv[MAX_ARGS + 1] = {"fake-nvidia-setup"};
        int argc = 1;

        while (args[argc - 1] != NULL && argc < MAX_ARGS) {
                argv[argc] = (char *)args[argc - 1];
                argc++;
        }
        return setup_parse_args(argc, argv, opts, err);
}

START_TEST(defaults_are_the_seed_profile)
{
        const char *args[] = {"--root", "/tmp/r", NULL};
        struct setup_options o;
        struct error err = {0};

        ck_assert_int_eq(parse(args, &o, &err), SETUP_PARSE_OK);
        ck_assert_str_eq(o.root, "/tmp/r");
        ck_assert_uint_eq(o.gpus, 4);
        ck_assert_uint_eq(o.open_delay_ms, 0);
        ck_assert_str_eq(o.model, "NVIDIA Tesla T4");
        ck_assert_str_eq(o.driver_version, "575.57.08");
        ck_assert_str_eq(o.cuda_version, "12.2");
        ck_assert(!o.system && !o.remove);
}
END_TEST

START_TEST(system_means_slash)
{
        const char *args[] = {"--system", "--remove", NULL};
        struct setup_options o;
        struct error err = {0};

        ck_assert_int_eq(parse(args, &o, &err), SETUP_PARSE_OK);
        ck_assert_str_eq(o.root, "/");
        ck_assert(o.system && o.remove);
}
END_TEST

static const struct {
        const char *args[6];
        const char *message;
} bad_args[] = {
        {{NULL}, "one of --root DIR or --system is required (see --help)"},
        {{"--root", "/r", "--system", NULL}, "--root and --system are mutually exclusive"},
        {{"--root", "", NULL}, "invalid value for --root: empty path"},
        {{"--root", "/r", "--gpus", "abc", NULL}, "invalid value for --gpus: 'abc' (expected 0-64)"},
        {{"--root", "/r", "--gpus", "65", NULL}, "invalid value for --gpus: '65' (expected 0-64)"},
        {{"--root", "/r", "--gpus", "-1", NULL}, "invalid value for --gpus: '-1' (expected 0-64)"},
        {{"--root", "/r", "--gpus", "", NULL}, "invalid value for --gpus: '' (expected 0-64)"},
        {{"--root", "/r", "--driver-version", "x.1", NULL},
         "invalid value for --driver-version: 'x.1' (expected digits and dots, e.g. 575.57.08)"},
        {{"--root", "/r", "--driver-version", "575..1", NULL},
         "invalid value for --driver-version: '575..1' (expected digits and dots, e.g. 575.57.08)"},
        {{"--root", "/r", "--cuda-version", "12", NULL},
         "invalid value for --cuda-version: '12' (expected MAJOR.MINOR, e.g. 12.2)"},
        {{"--root", "/r", "--cuda-version", "12.2.1", NULL},
         "invalid value for --cuda-version: '12.2.1' (expected MAJOR.MINOR, e.g. 12.2)"},
        {{"--root", "/r", "--open-delay", "x", NULL},
         "invalid value for --open-delay: 'x' (expected 0-60000 milliseconds)"},
        {{"--root", "/r", "--open-delay", "60001", NULL},
         "invalid value for --open-delay: '60001' (expected 0-60000 milliseconds)"},
        {{"--root", "/r", "--bogus", NULL}, "unknown or incomplete option '--bogus' (see --help)"},
        {{"--root", "/r", "extra", NULL}, "unexpected argument 'extra' (see --help)"},
        {{"--root", NULL}, "unknown or incomplete option '--root' (see --help)"},
};

START_TEST(bad_arguments_are_named)
{
        struct setup_options o;
        struct error err = {0};

        ck_assert_int_eq(parse(bad_args[_i].args, &o, &err), -1);
        ck_assert_str_eq(error_msg(&err), bad_args[_i].message);
        error_reset(&err);
}
END_TEST

Suite *fake_options_suite(void)
{
        Suite *s = suite_create("fake_options");
        TCase *tc = tcase_create("parse");

        tcase_add_test(tc, defaults_are_the_seed_profile);
        tcase_add_test(tc, system_means_slash);
        tcase_add_loop_test(tc, bad_arguments_are_named, 0, (int)(sizeof(bad_args) / sizeof(bad_args[0])));
        suite_add_tcase(s, tc);
        return s;
}

static int build(const char *const *args, struct fake_inventory *inv, struct error *err)
{
        struct setup_options o;

        if (parse(args, &o, err) < 0)
                return -1;
        return profile_build(&o, inv, err);
}

START_TEST(default_inventory)
{
        const char *args[] = {"--root", "/r", NULL};
        static struct fake_inventory inv;
        struct error err = {0};
        char busid[32];

        ck_assert_int_eq(build(args, &inv, &err), 0);
        ck_assert_mem_eq(inv.magic, FAKE_INVENTORY_MAGIC, 16);
        ck_assert_uint_eq(inv.gpu_count, 4);
        ck_assert_str_eq(inv.driver_version, "575.57.08");
        ck_assert_uint_eq(inv.cuda_version, 12020);
        for (unsigned i = 0; i < 4; i++) {
                char uuid[32];
                const struct fake_gpu *g = &inv.gpus[i];

                snprintf(uuid, sizeof(uuid), "GPU-%u-FAKE-UUID", i);
                ck_assert_str_eq(g->uuid, uuid);
                ck_assert_str_eq(g->name, "NVIDIA Tesla T4");
                ck_assert_uint_eq(g->brand, FAKE_BRAND_TESLA);
                ck_assert_uint_eq(g->arch, FAKE_ARCH_TURING);
                ck_assert_uint_eq(g->cc_major, 7);
                ck_assert_uint_eq(g->cc_minor, 5);
                ck_assert_uint_eq(g->minor, i);
                ck_assert_uint_eq(g->mig_capable, 0);
                for (unsigned j = 0; j < i; j++)
                        ck_assert_str_ne(g->busid, inv.gpus[j].busid);
        }
        ck_assert_str_eq(inv.gpus[2].busid, "00000000:03:00.0");
        profile_proc_busid(&inv.gpus[2], busid, sizeof(busid));
        ck_assert_str_eq(busid, "0000:03:00.0");
}
END_TEST

START_TEST(other_models_and_counts)
{
        const char *args[] = {"--root", "/r", "--gpus", "16", "--model", "NVIDIA A10", "--cuda-version", "12.9", NULL};
        const char *unknown[] = {"--root", "/r", "--model", "Quadro X", "--compute-capability", "6.1", NULL};
        const char *unknown_nocc[] = {"--root", "/r", "--model", "Quadro X", NULL};
        static struct fake_inventory inv;
        struct error err = {0};

        ck_assert_int_eq(build(args, &inv, &err), 0);
        ck_assert_uint_eq(inv.gpu_count, 16);
        ck_assert_uint_eq(inv.cuda_version, 12090);
        ck_assert_str_eq(inv.gpus[15].name, "NVIDIA A10");
        ck_assert_uint_eq(inv.gpus[15].cc_minor, 6);
        ck_assert_uint_eq(inv.gpus[15].arch, FAKE_ARCH_AMPERE);
        ck_assert_int_eq(build(unknown, &inv, &err), 0);
        ck_assert_uint_eq(inv.gpus[0].brand, FAKE_BRAND_QUADRO);
        ck_assert_uint_eq(inv.gpus[0].arch, FAKE_ARCH_PASCAL);
        ck_assert_int_eq(build(unknown_nocc, &inv, &err), -1);
        ck_assert_str_eq(error_msg(&err), "unknown model 'Quadro X': give --compute-capability");
        error_reset(&err);
}
END_TEST

/* --open-delay reaches every GPU of the inventory the libraries carry. */
START_TEST(open_delay_for_every_gpu)
{
        const char *args[] = {"--root", "/r", "--gpus", "3", "--open-delay", "250", NULL};
        static struct fake_inventory inv;
        struct error err = {0};

        ck_assert_int_eq(build(args, &inv, &err), 0);
        for (unsigned i = 0; i < 3; i++)
                ck_assert_uint_eq(inv.gpus[i].open_delay_ms, 250);
        ck_assert_uint_eq(inv.version, FAKE_INVENTORY_VERSION);
}
END_TEST

START_TEST(mig_profile)
{
        const char *args[] = {"--root", "/r", "--gpus", "2", "--mig", "0=1g.5gb+1g.5gb+2g.10gb", NULL};
        static struct fake_inventory inv;
        struct error err = {0};
        const struct fake_gpu *g = &inv.gpus[0];

        ck_assert_int_eq(build(args, &inv, &err), 0);
        ck_assert_str_eq(g->name, "NVIDIA A100-SXM4-40GB");
        ck_assert(g->mig_capable && g->mig_enabled);
        ck_assert(inv.gpus[1].mig_capable && !inv.gpus[1].mig_enabled);
        ck_assert_uint_eq(g->mig_count, 3);
        ck_assert_str_eq(g->migs[2].profile, "2g.10gb");
        ck_assert_str_eq(g->migs[1].uuid, "MIG-0-1-FAKE-UUID");
        ck_assert_uint_eq(g->migs[0].gi_id, 1);
        ck_assert_uint_eq(g->migs[0].access_minor, 12);
        ck_assert_uint_eq(g->migs[0].ci_access_minor, 13);
        ck_assert_uint_eq(g->migs[2].gi_profile_id, 1);
}
END_TEST

static const struct {
        const char *mig;
        const char *message;
} bad_mig[] = {
        {"0", "invalid value for --mig: '0' (expected INDEX=PROFILE[+PROFILE...])"},
        {"=1g.5gb", "invalid value for --mig: '=1g.5gb' (expected INDEX=PROFILE[+PROFILE...])"},
        {"9=1g.5gb", "invalid value for --mig: '9=1g.5gb': there is no GPU 9"},
        {"0=", "invalid MIG profile '' in --mig '0=' (expected e.g. 1g.5gb)"},
        {"0=5g.5gb", "invalid MIG profile '5g.5gb' in --mig '0=5g.5gb' (expected e.g. 1g.5gb)"},
        {"0=1g.5gb+", "invalid MIG profile '' in --mig '0=1g.5gb+' (expected e.g. 1g.5gb)"},
        {"0=7g.40gb+1g.5gb", "MIG profiles in --mig '0=7g.40gb+1g.5gb' do not fit on a NVIDIA A100-SXM4-40GB"},
        {"0=1g.99gb", "MIG profiles in --mig '0=1g.99gb' do not fit on a NVIDIA A100-SXM4-40GB"},
};

START_TEST(bad_mig_specs)
{
        const char *args[] = {"--root", "/r", "--mig", bad_mig[_i].mig, NULL};
        static struct fake_inventory inv;
        struct error err = {0};

        ck_assert_int_eq(build(args, &inv, &err), -1);
        ck_assert_str_eq(error_msg(&err), bad_mig[_i].message);
        error_reset(&err);
}
END_TEST

START_TEST(mig_needs_capable_model)
{
        const char *args[] = {"--root", "/r", "--model", "NVIDIA L4", "--mig", "0=1g.5gb", NULL};
        static struct fake_inventory inv;
        struct error err = {0};

        ck_assert_int_eq(build(args, &inv, &err), -1);
        ck_assert_str_eq(error_msg(&err), "invalid value for --mig: '0=1g.5gb': NVIDIA L4 is not MIG capable");
        error_reset(&err);
}
END_TEST

Suite *fake_profile_suite(void)
{
        Suite *s = suite_create("fake_profile");
        TCase *tc = tcase_create("inventory");

        tcase_add_test(tc, default_inventory);
        tcase_add_test(tc, other_models_and_counts);
        tcase_add_test(tc, open_delay_for_every_gpu);
        tcase_add_test(tc, mig_profile);
        tcase_add_loop_test(tc, bad_mig_specs, 0, (int)(sizeof(bad_mig) / sizeof(bad_mig[0])));
        tcase_add_test(tc, mig_needs_capable_model);
        suite_add_tcase(s, tc);
        return s;
}
