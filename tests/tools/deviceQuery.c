/* A small deviceQuery (after the CUDA sample of that name) for the
 * integration tests: loads the driver API the way CUDA applications do,
 * with dlopen("libcuda.so.1"), and prints what it enumerates.  Exit 0 on
 * success; on a CUDA error it prints the error's name and text, exit 1. */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

typedef int CUresult;
typedef int CUdevice;
typedef struct {
        unsigned char bytes[16];
} CUuuid;

enum {
        ATTR_MULTIPROCESSOR_COUNT = 16,
        ATTR_PCI_BUS_ID = 33,
        ATTR_PCI_DEVICE_ID = 34,
        ATTR_PCI_DOMAIN_ID = 50,
        ATTR_CC_MAJOR = 75,
        ATTR_CC_MINOR = 76,
};

static struct {
        CUresult (*init)(unsigned int);
        CUresult (*driver_version)(int *);
        CUresult (*count)(int *);
        CUresult (*get)(CUdevice *, int);
        CUresult (*name)(char *, int, CUdevice);
        CUresult (*uuid)(CUuuid *, CUdevice);
        CUresult (*attribute)(int *, int, CUdevice);
        CUresult (*total_mem)(size_t *, CUdevice);
        CUresult (*error_name)(CUresult, const char **);
        CUresult (*error_string)(CUresult, const char **);
} cu;

static void *lookup(void *lib, const char *name, const char *fallback)
{
        void *sym = dlsym(lib, name);

        if (sym == NULL && fallback != NULL)
                sym = dlsym(lib, fallback);
        if (sym == NULL)
                fprintf(stderr, "deviceQuery: libcuda.so.1 lacks %s\n", name);
        return sym;
}

#define LOAD(field, name, fallback)                                        \
        do {                                                               \
                *(void **)&cu.field = lookup(lib, name, fallback);         \
                if (cu.field == NULL)                                      \
                        return -1;                                         \
        } while (0)

static int load(void *lib)
{
        LOAD(init, "cuInit", NULL);
        LOAD(driver_version, "cuDriverGetVersion", NULL);
        LOAD(count, "cuDeviceGetCount", NULL);
        LOAD(get, "cuDeviceGet", NULL);
        LOAD(name, "cuDeviceGetName", NULL);
        LOAD(uuid, "cuDeviceGetUuid_v2", "cuDeviceGetUuid");
        LOAD(attribute, "cuDeviceGetAttribute", NULL);
        LOAD(total_mem, "cuDeviceTotalMem_v2", NULL);
        LOAD(error_name, "cuGetErrorName", NULL);
        LOAD(error_string, "cuGetErrorString", NULL);
        return 0;
}

/* Prints the failure the way CUDA samples do; returns 1 for main. */
static int fail(const char *call, CUresult err)
{
        const char *name = NULL, *text = NULL;

        cu.error_name(err, &name);
        cu.error_string(err, &text);
        printf("%s returned %d (%s): %s\nResult = FAIL\n", call, err, name ? name : "unrecognized error code",
               text ? text : "unrecognized error code");
        return 1;
}

/* The fake driver packs readable UUIDs ("GPU-0-FAKE-UUID") as their text
 * after the prefix; real ones are 16 random bytes in the canonical form. */
static void format_uuid(const CUuuid *u, const char *prefix, char *out, size_t len)
{
        const unsigned char *b = u->bytes;
        size_t text = 0;

        while (text < 16 && b[text] > 0x20 && b[text] < 0x7f)
                text++;
        int padded = text > 0;
        for (size_t i = text; i < 16; i++)
                padded = padded && b[i] == 0;
        if (padded) {
                snprintf(out, len, "%s%.*s", prefix, (int)text, (const char *)b);
                return;
        }
        snprintf(out, len,
                 "%s%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", prefix,
                 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
                 b[13], b[14], b[15]);
}

static int query_device(int ordinal)
{
        CUdevice dev;
        CUuuid uuid;
        char name[256], uuid_text[64];
        int major, minor, sms, domain, bus, slot;
        size_t mem;
        CUresult err;

        if ((err = cu.get(&dev, ordinal)) != 0)
                return fail("cuDeviceGet", err);
        if ((err = cu.name(name, (int)sizeof(name), dev)) != 0)
                return fail("cuDeviceGetName", err);
        if ((err = cu.attribute(&major, ATTR_CC_MAJOR, dev)) != 0 ||
            (err = cu.attribute(&minor, ATTR_CC_MINOR, dev)) != 0 ||
            (err = cu.attribute(&sms, ATTR_MULTIPROCESSOR_COUNT, dev)) != 0 ||
            (err = cu.attribute(&domain, ATTR_PCI_DOMAIN_ID, dev)) != 0 ||
            (err = cu.attribute(&bus, ATTR_PCI_BUS_ID, dev)) != 0 ||
            (err = cu.attribute(&slot, ATTR_PCI_DEVICE_ID, dev)) != 0)
                return fail("cuDeviceGetAttribute", err);
        if ((err = cu.total_mem(&mem, dev)) != 0)
                return fail("cuDeviceTotalMem", err);
        if ((err = cu.uuid(&uuid, dev)) != 0)
                return fail("cuDeviceGetUuid", err);
        format_uuid(&uuid, strstr(name, " MIG ") ? "MIG-" : "GPU-", uuid_text, sizeof(uuid_text));

        printf("\nDevice %d: \"%s\"\n", ordinal, name);
        printf("  CUDA Capability Major/Minor version number:    %d.%d\n", major, minor);
        printf("  Total amount of global memory:                 %zu MBytes (%zu bytes)\n",
               mem / (1024 * 1024), mem);
        printf("  Multiprocessors:                               %d\n", sms);
        printf("  GPU UUID:                                      %s\n", uuid_text);
        printf("  PCI Domain ID / Bus ID / location ID:          %d / %d / %d\n", domain, bus, slot);
        return 0;
}

int main(void)
{
        void *lib = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
        int version = 0, count = 0;
        CUresult err;

        printf("deviceQuery Starting...\n\n CUDA Device Query (Driver API) dynamically loaded\n\n");
        if (lib == NULL) {
                printf("dlopen(libcuda.so.1) failed: %s\nResult = FAIL\n", dlerror());
                return 1;
        }
        if (load(lib) != 0)
                return 1;
        if ((err = cu.init(0)) != 0)
                return fail("cuInit", err);
        if ((err = cu.driver_version(&version)) != 0)
                return fail("cuDriverGetVersion", err);
        if ((err = cu.count(&count)) != 0)
                return fail("cuDeviceGetCount", err);
        printf("CUDA Driver Version: %d.%d\n", version / 1000, version % 1000 / 10);
        printf("Detected %d CUDA Capable device(s)\n", count);
        for (int i = 0; i < count; i++) {
                if (query_device(i) != 0)
                        return 1;
        }
        printf("\nResult = PASS\n");
        dlclose(lib);
        return 0;
}
