/* The driver process (src/libnvc/driver*.c, device_info.c): the formats of
 * NVML's values, then, as root, round trips to a real child on fake driver
 * roots made by the setup tool's code: versions, devices, MIG, and every
 * failure path leaving no child behind. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_driver_proc.h"
#include "fake_root.h"
#include "libnvc/driver.h"
#include "libnvc/gpu_proc.h"
#include "nvc.h"
#include "unit.h"

/* --- formats ------------------------------------------------------------ */

static const struct {
        int brand;
        const char *name;
} brands[] = {
        {0, "Unknown"}, {1, "Quadro"}, {2, "Tesla"}, {3, "NVS"}, {4, "GRID"}, {5, "GeForce"},
        {6, "TITAN"}, {7, "NVIDIAVApps"}, {8, "NVIDIAVPC"}, {9, "NVIDIAVCS"}, {10, "NVIDIAVWS"},
        {11, "NVIDIACloudGaming"}, {12, "QuadroRTX"}, {13, "NVIDIARTX"}, {14, "NVIDIA"}, {15, "GeForceRTX"},
        {16, "TITANRTX"}, {17, "Unknown"}, {-1, "Unknown"},
};

START_TEST(brand_names)
{
        ck_assert_str_eq(driver_brand_name(brands[_i].brand), brands[_i].name);
}
END_TEST

/* got is read after rv was computed (argument order is unspecified). */
static void expect_format(int rv, char **got, const char *want)
{
        ck_assert_int_eq(rv, 0);
        ck_assert_str_eq(*got, want);
        free(*got);
        *got = NULL;
}

START_TEST(version_arch_and_busid_formats)
{
        struct error err = {0};
        char *s = NULL;

        /* NVML's CUDA version is 1000 * major + 10 * minor. */
        expect_format(driver_format_cuda_version(&err, 12020, &s), &s, "12.2");
        expect_format(driver_format_cuda_version(&err, 11080, &s), &s, "11.8");
        expect_format(driver_format_cuda_version(&err, 12090, &s), &s, "12.9");
        expect_format(driver_format_cuda_version(&err, 9020, &s), &s, "9.2");
        expect_format(driver_format_arch(&err, 7, 5, &s), &s, "7.5");
        expect_format(driver_format_arch(&err, 10, 0, &s), &s, "10.0");
        expect_format(driver_format_busid(&err, 0, 1, 0, &s), &s, "00000000:01:00.0");
        expect_format(driver_format_busid(&err, 0x10000, 0xaf, 0x1f, &s), &s, "00010000:af:1f.0");
}
END_TEST

START_TEST(mig_modes)
{
        bool capable, enabled;

        ck_assert_int_eq(driver_mig_mode(0, 1, 1, &capable, &enabled), 0);
        ck_assert(capable && enabled);
        /* A mode change waiting for a reset is not enabled yet. */
        ck_assert_int_eq(driver_mig_mode(0, 1, 0, &capable, &enabled), 0);
        ck_assert(capable && !enabled);
        ck_assert_int_eq(driver_mig_mode(0, 0, 1, &capable, &enabled), 0);
        ck_assert(capable && !enabled);
        ck_assert_int_eq(driver_mig_mode(3, 0, 0, &capable, &enabled), 0);  /* not supported */
        ck_assert(!capable && !enabled);
        ck_assert_int_eq(driver_mig_mode(13, 0, 0, &capable, &enabled), 0); /* function not found */
        ck_assert(!capable && !enabled);
        ck_assert_int_eq(driver_mig_mode(999, 1, 1, &capable, &enabled), -1);
        ck_assert(!capable && !enabled);
}
END_TEST

/* --- fake driver roots (root only) -------------------------------------- */

static char scratch[] = "/tmp/check_driver.XXXXXX";
static char root_t4[64], root_mig[64], root_nodrv[64], root_empty[64];

static void roots_setup(void)
{
        static const char *const none[] = {NULL};
        static const char *const mig[] = {"--gpus", "2", "--mig", "0=1g.5gb+2g.10gb", NULL};
        char ctl[96];

        if (geteuid() != 0 || mkdtemp(scratch) == NULL)
                return;
        snprintf(root_t4, sizeof(root_t4), "%s/t4", scratch);
        snprintf(root_mig, sizeof(root_mig), "%s/mig", scratch);
        snprintf(root_nodrv, sizeof(root_nodrv), "%s/nodrv", scratch);
        snprintf(root_empty, sizeof(root_empty), "%s/empty", scratch);
        fake_root_install(root_t4, none);
        fake_root_install(root_mig, mig);
        fake_root_install(root_nodrv, none);
        /* No /dev/nvidiactl: the kernel module is not loaded. */
        snprintf(ctl, sizeof(ctl), "%s/dev/nvidiactl", root_nodrv);
        if (unlink(ctl) < 0 || mkdir(root_empty, 0755) < 0)
                abort();
}

static void roots_teardown(void)
{
        if (root_t4[0] == '\0')
                return;
        fake_root_remove(root_t4);
        fake_root_remove(root_mig);
        fake_root_remove(root_nodrv);
        rmdir(root_empty);
        rmdir(scratch);
}

/* Root is needed to install fake roots (device nodes) and to drop to the
 * overflow ids, as the library does by default. */
#define REQUIRE_ROOTS()                 \
        do {                            \
                if (root_t4[0] == '\0') \
                        return;         \
        } while (0)

/* Every test must leave no child: the driver process is always reaped. */
static void assert_no_children(void)
{
        ck_assert_int_eq(waitpid(-1, NULL, WNOHANG), -1);
        ck_assert_int_eq(errno, ECHILD);
}

static struct driver *start(const char *root)
{
        struct driver *drv = NULL;
        struct error err = {0};

        if (driver_new(&drv, &err, root, 65534, 65534, false) < 0)
                ck_abort_msg("driver_new: %s", error_msg(&err));
        return drv;
}

static void stop(struct driver *drv)
{
        struct error err = {0};

        ck_assert_int_eq(driver_free(drv, &err), 0);
        assert_no_children();
}

START_TEST(versions)
{
        struct error err = {0};
        struct driver *drv;
        char *v;

        REQUIRE_ROOTS();
        drv = start(root_t4);
        ck_assert_int_eq(driver_get_rm_version(drv, &err, &v), 0);
        ck_assert_str_eq(v, "575.57.08");
        free(v);
        ck_assert_int_eq(driver_get_cuda_version(drv, &err, &v), 0);
        ck_assert_str_eq(v, "12.2");
        free(v);
        stop(drv);
}
END_TEST

START_TEST(devices)
{
        struct driver_device dev;
        struct error err = {0};
        struct driver *drv;
        unsigned int n = 0;

        REQUIRE_ROOTS();
        drv = start(root_t4);
        ck_assert_int_eq(driver_get_device_count(drv, &err, &n), 0);
        ck_assert_uint_eq(n, 4);
        ck_assert_int_eq(driver_get_device(drv, &err, 2, &dev), 0);
        ck_assert_str_eq(dev.model, "NVIDIA Tesla T4");
        ck_assert_str_eq(dev.uuid, "GPU-2-FAKE-UUID");
        ck_assert_str_eq(dev.busid, "00000000:03:00.0");
        ck_assert_str_eq(dev.arch, "7.5");
        ck_assert_str_eq(dev.brand, "Tesla");
        ck_assert_uint_eq(dev.minor, 2);
        ck_assert(!dev.mig_capable && !dev.mig_enabled && dev.nmigs == 0);
        driver_device_clear(&dev);
        ck_assert_int_eq(driver_get_device(drv, &err, 4, &dev), -1);
        ck_assert_str_eq(error_msg(&err), "nvml error: invalid argument");
        error_reset(&err);
        stop(drv);
}
END_TEST

START_TEST(mig_devices)
{
        struct driver_device dev;
        struct error err = {0};
        struct driver *drv;

        REQUIRE_ROOTS();
        drv = start(root_mig);
        ck_assert_int_eq(driver_get_device(drv, &err, 0, &dev), 0);
        ck_assert(dev.mig_capable && dev.mig_enabled);
        ck_assert_uint_eq(dev.nmigs, 2);
        ck_assert_str_eq(dev.migs[1].uuid, "MIG-0-1-FAKE-UUID");
        ck_assert_uint_eq(dev.migs[1].gi, 2);
        ck_assert_uint_eq(dev.migs[1].ci, 0);
        driver_device_clear(&dev);
        ck_assert_int_eq(driver_get_device(drv, &err, 1, &dev), 0);
        ck_assert(dev.mig_capable && !dev.mig_enabled && dev.nmigs == 0);
        driver_device_clear(&dev);
        stop(drv);
}
END_TEST

static const struct {
        const char *root;  /* NULL: root_empty, "": root_nodrv */
        const char *message;
} failures[] = {
        {NULL, "load library failed: libnvidia-ml.so.1: cannot open shared object file: no such file or directory"},
        {"", "nvml error: driver not loaded"},
        {"/nonexistent/driver/root", "change root failed: `/nonexistent/driver/root`: No such file or directory"},
};

START_TEST(failures_leave_no_child)
{
        const char *root = failures[_i].root == NULL ? root_empty
                           : failures[_i].root[0] == '\0' ? root_nodrv : failures[_i].root;
        struct driver *drv = NULL;
        struct error err = {0};

        REQUIRE_ROOTS();
        ck_assert_int_eq(driver_new(&drv, &err, root, 65534, 65534, false), -1);
        ck_assert_ptr_null(drv);
        ck_assert_str_eq(error_msg(&err), failures[_i].message);
        error_reset(&err);
        assert_no_children();
}
END_TEST

static pid_t find_child(void)
{
        DIR *d = opendir("/proc");
        struct dirent *e;
        pid_t child = -1;

        while (d != NULL && child < 0 && (e = readdir(d)) != NULL) {
                char path[300], line[64];
                FILE *f;

                snprintf(path, sizeof(path), "/proc/%s/status", e->d_name);
                if ((f = fopen(path, "re")) == NULL)
                        continue;
                while (fgets(line, sizeof(line), f) != NULL)
                        if (strncmp(line, "PPid:", 5) == 0 && atoi(line + 5) == getpid())
                                child = atoi(e->d_name);
                fclose(f);
        }
        if (d != NULL)
                closedir(d);
        return child;
}

/* A child that died under us is an error, not a SIGPIPE for the caller,
 * and is still reaped. */
START_TEST(dead_child_is_an_error)
{
        struct error err = {0};
        struct driver *drv;
        pid_t child;
        char *v = NULL;

        REQUIRE_ROOTS();
        drv = start(root_t4);
        ck_assert_int_gt(child = find_child(), 0);
        kill(child, SIGKILL);
        ck_assert_int_eq(driver_get_rm_version(drv, &err, &v), -1);
        ck_assert_str_eq(error_msg(&err), "driver rpc error: failed to process request");
        ck_assert_int_eq(driver_get_cuda_version(drv, &err, &v), -1);
        ck_assert_ptr_null(v);
        error_reset(&err);
        ck_assert_int_eq(driver_free(drv, &err), 0);
        assert_no_children();
}
END_TEST

/* The public API end to end, as the CLI's info command uses it. */
START_TEST(device_info)
{
        struct nvc_context *ctx = nvc_context_new();
        struct nvc_config *cfg = nvc_config_new();
        struct nvc_device_info *info;
        const struct nvc_device *gpu;

        REQUIRE_ROOTS();
        cfg->root = root_mig;
        ck_assert_int_eq(nvc_init(ctx, cfg, NULL), 0);
        ck_assert_ptr_nonnull(info = nvc_device_info_new(ctx, NULL));
        ck_assert_uint_eq(info->ngpus, 2);
        gpu = &info->gpus[1];
        ck_assert_str_eq(gpu->node.path, "/dev/nvidia1");
        ck_assert_uint_eq(major(gpu->node.id), 195);
        ck_assert_uint_eq(minor(gpu->node.id), 1);
        ck_assert_str_eq(gpu->brand, "NVIDIA");
        ck_assert_str_eq(gpu->arch, "8.0");
        ck_assert(gpu->mig_capable);
        ck_assert_str_eq(gpu->mig_caps_path, "/proc/driver/nvidia/capabilities/gpu1");
        ck_assert_uint_eq(gpu->mig_devices.ndevices, 0);
        gpu = &info->gpus[0];
        ck_assert_uint_eq(gpu->mig_devices.ndevices, 2);
        ck_assert_ptr_eq(gpu->mig_devices.devices[0].parent, gpu);
        ck_assert_str_eq(gpu->mig_devices.devices[0].uuid, "MIG-0-0-FAKE-UUID");
        ck_assert_str_eq(gpu->mig_devices.devices[1].gi_caps_path,
                         "/proc/driver/nvidia/capabilities/gpu0/mig/gi2");
        ck_assert_str_eq(gpu->mig_devices.devices[1].ci_caps_path,
                         "/proc/driver/nvidia/capabilities/gpu0/mig/gi2/ci0");
        nvc_device_info_free(info);
        ck_assert_int_eq(nvc_shutdown(ctx), 0);
        nvc_context_free(ctx);
        nvc_config_free(cfg);
        assert_no_children();
}
END_TEST

/* "lazy-nvml" and "no-nvml": the same identity as NVML's, from the proc
 * tree; what only NVML knows is left out. */
START_TEST(device_info_from_proc)
{
        struct nvc_context *ctx = nvc_context_new(), *ref = nvc_context_new();
        struct nvc_config *cfg = nvc_config_new();
        struct nvc_device_info *info, *nvml;

        REQUIRE_ROOTS();
        cfg->root = root_mig;
        ck_assert_int_eq(nvc_init(ctx, cfg, "lazy-nvml"), 0);
        ck_assert_int_eq(nvc_init(ref, cfg, NULL), 0);
        ck_assert_ptr_nonnull(info = nvc_device_info_new(ctx, "no-nvml"));
        ck_assert_ptr_nonnull(nvml = nvc_device_info_new(ref, NULL));
        ck_assert_uint_eq(info->ngpus, nvml->ngpus);
        for (size_t i = 0; i < info->ngpus; i++) {
                ck_assert_str_eq(info->gpus[i].uuid, nvml->gpus[i].uuid);
                ck_assert_str_eq(info->gpus[i].busid, nvml->gpus[i].busid);
                ck_assert_str_eq(info->gpus[i].model, nvml->gpus[i].model);
                ck_assert_str_eq(info->gpus[i].node.path, nvml->gpus[i].node.path);
                ck_assert_str_eq(info->gpus[i].mig_caps_path, nvml->gpus[i].mig_caps_path);
                ck_assert_uint_eq(info->gpus[i].node.id, nvml->gpus[i].node.id);
                ck_assert(info->gpus[i].mig_capable == nvml->gpus[i].mig_capable);
                ck_assert_ptr_null(info->gpus[i].arch);
                ck_assert_ptr_null(info->gpus[i].brand);
                ck_assert_uint_eq(info->gpus[i].mig_devices.ndevices, 0);
        }
        nvc_device_info_free(info);
        nvc_device_info_free(nvml);
        ck_assert_int_eq(nvc_shutdown(ctx), 0);
        ck_assert_int_eq(nvc_shutdown(ref), 0);
        nvc_context_free(ctx);
        nvc_context_free(ref);
        nvc_config_free(cfg);
        assert_no_children();
}
END_TEST

/* What a container start asks with "lazy-nvml" (the control nodes with
 * "devices-only", GPU identity with "no-nvml") runs no driver code: no
 * process is started. The first query that needs NVML starts it. */
START_TEST(lazy_start)
{
        struct nvc_context *ctx = nvc_context_new();
        struct nvc_config *cfg = nvc_config_new();
        struct nvc_driver_info *drv;
        struct nvc_device_info *dev;

        REQUIRE_ROOTS();
        cfg->root = root_t4;
        ck_assert_int_eq(nvc_init(ctx, cfg, "lazy-nvml"), 0);
        ck_assert_ptr_nonnull(drv = nvc_driver_info_new(ctx, "devices-only"));
        ck_assert_ptr_nonnull(dev = nvc_device_info_new(ctx, "no-nvml"));
        assert_no_children();
        ck_assert_uint_eq(drv->ndevs, 4);
        ck_assert_str_eq(drv->devs[0].path, "/dev/nvidiactl");
        ck_assert_uint_eq(drv->nlibs + drv->nbins + drv->nfirmwares + drv->nipcs, 0);
        ck_assert_ptr_null(drv->nvrm_version);
        ck_assert_ptr_null(drv->cuda_version);
        nvc_driver_info_free(drv);
        nvc_device_info_free(dev);
        /* Every file and the driver version from the root and its proc tree. */
        ck_assert_ptr_nonnull(drv = nvc_driver_info_new(ctx, "no-cuda-version"));
        assert_no_children();
        ck_assert_uint_gt(drv->nlibs, 0);
        ck_assert_ptr_nonnull(drv->nvrm_version);
        ck_assert_ptr_null(drv->cuda_version);
        nvc_driver_info_free(drv);
        /* Only NVML knows the architecture. */
        ck_assert_ptr_nonnull(dev = nvc_device_info_new(ctx, NULL));
        ck_assert_ptr_nonnull(dev->gpus[0].arch);
        ck_assert_int_eq(waitpid(-1, NULL, WNOHANG), 0);
        nvc_device_info_free(dev);
        ck_assert_int_eq(nvc_shutdown(ctx), 0);
        nvc_context_free(ctx);
        nvc_config_free(cfg);
        assert_no_children();
}
END_TEST

/* The lazy start loads libtirpc and chroots its child by host paths: never
 * from another mount namespace than the context's (a session's). */
START_TEST(lazy_start_only_in_own_mount_ns)
{
        struct nvc_context *ctx = nvc_context_new();
        struct nvc_config *cfg = nvc_config_new();
        int own;

        REQUIRE_ROOTS();
        cfg->root = root_t4;
        ck_assert_int_eq(nvc_init(ctx, cfg, "lazy-nvml"), 0);
        ck_assert_int_ge(own = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC), 0);
        ck_assert_int_eq(unshare(CLONE_NEWNS), 0);
        ck_assert_ptr_null(nvc_driver_info_new(ctx, NULL));
        ck_assert_str_eq(nvc_error(ctx),
                         "driver rpc service process creation failed: not in the library's mount namespace");
        assert_no_children();
        ck_assert_int_eq(setns(own, CLONE_NEWNS), 0);
        close(own);
        nvc_shutdown(ctx);
        nvc_context_free(ctx);
        nvc_config_free(cfg);
}
END_TEST

/* The driver version from the proc tree is NVML's; a root without one has
 * nothing to tell. */
START_TEST(proc_tree)
{
        struct driver *drv;
        struct gpu_proc *gpus;
        struct error err = {0};
        char *proc = NULL, *nvml = NULL;
        size_t n;

        REQUIRE_ROOTS();
        drv = start(root_t4);
        ck_assert_int_eq(driver_get_rm_version(drv, &err, &nvml), 0);
        stop(drv);
        ck_assert_int_eq(gpu_proc_version(&err, root_t4, &proc), 0);
        ck_assert_str_eq(proc, nvml);
        ck_assert_int_eq(gpu_proc_version(&err, root_empty, &proc), 1);
        ck_assert_int_eq(gpu_proc_list(&err, root_empty, &gpus, &n), 1);
        ck_assert(gpu_proc_has_control(root_t4));
        ck_assert(!gpu_proc_has_control(root_nodrv));
        free(proc);
        free(nvml);
}
END_TEST

START_TEST(device_info_needs_init)
{
        struct nvc_context *ctx = nvc_context_new();

        ck_assert_ptr_null(nvc_device_info_new(ctx, NULL));
        ck_assert_str_eq(nvc_error(ctx), "context uninitialized");
        ck_assert_ptr_null(nvc_device_info_new(NULL, NULL));
        nvc_device_info_free(NULL);
        nvc_context_free(ctx);
}
END_TEST

Suite *driver_suite(void)
{
        Suite *s = suite_create("driver");
        TCase *formats = tcase_create("formats");
        TCase *process = tcase_create("process");

        tcase_add_loop_test(formats, brand_names, 0, (int)(sizeof(brands) / sizeof(brands[0])));
        tcase_add_test(formats, version_arch_and_busid_formats);
        tcase_add_test(formats, mig_modes);
        tcase_add_test(formats, device_info_needs_init);
        suite_add_tcase(s, formats);

        /* The roots are made once for all cases (unchecked: in the runner). */
        tcase_add_unchecked_fixture(process, roots_setup, roots_teardown);
        tcase_set_timeout(process, 60);
        tcase_add_test(process, versions);
        tcase_add_test(process, devices);
        tcase_add_test(process, mig_devices);
        tcase_add_loop_test(process, failures_leave_no_child, 0, (int)(sizeof(failures) / sizeof(failures[0])));
        tcase_add_test(process, dead_child_is_an_error);
        tcase_add_test(process, device_info);
        tcase_add_test(process, device_info_from_proc);
        tcase_add_test(process, lazy_start);
        tcase_add_test(process, lazy_start_only_in_own_mount_ns);
        tcase_add_test(process, proc_tree);
        suite_add_tcase(s, process);
        driver_proc_add_tcase(s);
        return s;
}
