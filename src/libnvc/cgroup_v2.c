/* cgroup v2: device access is decided by BPF_PROG_TYPE_CGROUP_DEVICE
 * programs attached to the cgroup. To allow our devices without dropping the
 * rules already there (runc's, or another tool's), each attached program is
 * replaced by a copy whose instructions start with our allow rules and then
 * fall through to the original program, unchanged. With no program attached
 * the new one allows our devices and denies the rest, like runc's default. */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroup.h"
#include "common/cleanup.h"
#include "log.h"

#define MAX_PROGS 64
#define RULE_INSNS 8

static int sys_bpf(enum bpf_cmd cmd, union bpf_attr *attr)
{
        return (int)syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

/* Register numbers are 4-bit fields; gcc cannot see that ours (0..10) fit. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wconversion"
static struct bpf_insn insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
        return (struct bpf_insn){.code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm};
}
#pragma GCC diagnostic pop

/* r1 holds the context (struct bpf_cgroup_dev_ctx); the original program
 * reads it again, so our prologue only writes r2..r6. */
static size_t emit_prologue(struct bpf_insn *p)
{
        p[0] = insn(BPF_LDX | BPF_MEM | BPF_W, 2, 1, 0, 0);   /* r2 = access_type */
        p[1] = insn(BPF_ALU | BPF_AND | BPF_K, 2, 0, 0, 0xffff); /* r2 = device type */
        p[2] = insn(BPF_LDX | BPF_MEM | BPF_W, 3, 1, 0, 0);
        p[3] = insn(BPF_ALU | BPF_RSH | BPF_K, 3, 0, 0, 16);  /* r3 = requested access */
        p[4] = insn(BPF_LDX | BPF_MEM | BPF_W, 4, 1, 4, 0);   /* r4 = major */
        p[5] = insn(BPF_LDX | BPF_MEM | BPF_W, 5, 1, 8, 0);   /* r5 = minor */
        return 6;
}

static int32_t access_mask(const char *access)
{
        int32_t mask = 0;

        mask |= strchr(access, 'm') != NULL ? BPF_DEVCG_ACC_MKNOD : 0;
        mask |= strchr(access, 'r') != NULL ? BPF_DEVCG_ACC_READ : 0;
        mask |= strchr(access, 'w') != NULL ? BPF_DEVCG_ACC_WRITE : 0;
        return mask;
}

/* Allows when type, major and minor match and the requested access is a
 * subset of the rule's; otherwise jumps over itself to the next rule. */
static size_t emit_rule(struct bpf_insn *p, const struct cgroup_rule *r)
{
        int32_t type = r->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR;

        p[0] = insn(BPF_JMP | BPF_JNE | BPF_K, 2, 0, 7, type);
        p[1] = insn(BPF_ALU | BPF_MOV | BPF_X, 6, 3, 0, 0);
        p[2] = insn(BPF_ALU | BPF_AND | BPF_K, 6, 0, 0, ~access_mask(r->access));
        p[3] = insn(BPF_JMP | BPF_JNE | BPF_K, 6, 0, 4, 0);
        p[4] = insn(BPF_JMP | BPF_JNE | BPF_K, 4, 0, 3, (int32_t)r->major);
        p[5] = insn(BPF_JMP | BPF_JNE | BPF_K, 5, 0, 2, (int32_t)r->minor);
        p[6] = insn(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 1);
        p[7] = insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
        return RULE_INSNS;
}

/* The tail used when no program was attached: deny. */
static const struct bpf_insn deny_all[] = {
        {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0},
        {.code = BPF_JMP | BPF_EXIT},
};

static int load_program(struct error *err, const struct cgroup_rule *rules, size_t n, const struct bpf_insn *tail,
                        size_t ntail, int *prog_fd)
{
        size_t count = 6 + n * RULE_INSNS + ntail, at = 0;
        cleanup_free struct bpf_insn *insns = calloc(count, sizeof(*insns));
        static char license[] = "Apache";
        char log[4096] = "";
        union bpf_attr attr;

        if (insns == NULL)
                return error_set(err, "allocate device filter");
        at += emit_prologue(insns);
        for (size_t i = 0; i < n; i++)
                at += emit_rule(insns + at, &rules[i]);
        memcpy(insns + at, tail, ntail * sizeof(*tail));
        memset(&attr, 0, sizeof(attr));
        attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
        attr.insns = (uint64_t)(uintptr_t)insns;
        attr.insn_cnt = (uint32_t)count;
        attr.license = (uint64_t)(uintptr_t)license;
        attr.log_buf = (uint64_t)(uintptr_t)log;
        attr.log_size = sizeof(log);
        attr.log_level = 1;
        if ((*prog_fd = sys_bpf(BPF_PROG_LOAD, &attr)) < 0) {
                log_err("bpf verifier: %s", log);
                return error_set(err, "load device filter program");
        }
        return 0;
}

/* The instructions of an attached program, as the kernel holds them. */
static int program_insns(struct error *err, int fd, struct bpf_insn **insns, size_t *n)
{
        struct bpf_prog_info info;
        union bpf_attr attr;
        struct bpf_insn *buf;

        memset(&info, 0, sizeof(info));
        memset(&attr, 0, sizeof(attr));
        attr.info.bpf_fd = (uint32_t)fd;
        attr.info.info_len = sizeof(info);
        attr.info.info = (uint64_t)(uintptr_t)&info;
        if (sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr) < 0)
                return error_set(err, "read device filter program");
        if (info.xlated_prog_len == 0 || (buf = malloc(info.xlated_prog_len)) == NULL)
                return error_setx(err, "read device filter program: no instructions");
        *n = info.xlated_prog_len / sizeof(*buf);
        memset(&info, 0, sizeof(info));
        info.xlated_prog_len = (uint32_t)(*n * sizeof(*buf));
        info.xlated_prog_insns = (uint64_t)(uintptr_t)buf;
        if (sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr) < 0) {
                free(buf);
                return error_set(err, "read device filter program");
        }
        *insns = buf;
        return 0;
}

struct attached {
        uint32_t ids[MAX_PROGS];
        uint32_t count;
        uint32_t flags;
};

static int query_attached(struct error *err, int cgfd, struct attached *a)
{
        union bpf_attr attr;

        memset(&attr, 0, sizeof(attr));
        attr.query.target_fd = (uint32_t)cgfd;
        attr.query.attach_type = BPF_CGROUP_DEVICE;
        attr.query.prog_ids = (uint64_t)(uintptr_t)a->ids;
        attr.query.prog_cnt = MAX_PROGS;
        if (sys_bpf(BPF_PROG_QUERY, &attr) < 0)
                return error_set(err, "query device filter programs");
        a->count = attr.query.prog_cnt;
        a->flags = attr.query.attach_flags;
        return 0;
}

static int attach(struct error *err, int cgfd, int prog_fd, int replace_fd, uint32_t flags)
{
        union bpf_attr attr;

        memset(&attr, 0, sizeof(attr));
        attr.target_fd = (uint32_t)cgfd;
        attr.attach_bpf_fd = (uint32_t)prog_fd;
        attr.attach_type = BPF_CGROUP_DEVICE;
        attr.attach_flags = flags;
        if (replace_fd >= 0) {
                attr.attach_flags |= BPF_F_REPLACE;
                attr.replace_bpf_fd = (uint32_t)replace_fd;
        }
        if (sys_bpf(BPF_PROG_ATTACH, &attr) < 0)
                return error_set(err, "attach device filter program");
        return 0;
}

/* Replaces one attached program by our rules followed by its own. A program
 * attached without BPF_F_ALLOW_MULTI is replaced by attaching over it. */
static int replace_one(struct error *err, int cgfd, uint32_t id, uint32_t flags, const struct cgroup_rule *rules,
                       size_t n)
{
        cleanup_close int old_fd = -1, new_fd = -1;
        cleanup_free struct bpf_insn *old = NULL;
        size_t nold = 0;
        union bpf_attr attr;

        memset(&attr, 0, sizeof(attr));
        attr.prog_id = id;
        if ((old_fd = sys_bpf(BPF_PROG_GET_FD_BY_ID, &attr)) < 0)
                return error_set(err, "open device filter program %u", id);
        if (program_insns(err, old_fd, &old, &nold) < 0 || load_program(err, rules, n, old, nold, &new_fd) < 0)
                return -1;
        if (flags & BPF_F_ALLOW_MULTI)
                return attach(err, cgfd, new_fd, old_fd, flags);
        return attach(err, cgfd, new_fd, -1, flags);
}

static int v2_allow(struct error *err, int cgfd, const char *dir, const struct cgroup_rule *rules, size_t n)
{
        cleanup_close int prog_fd = -1;
        struct rlimit unlimited = {RLIM_INFINITY, RLIM_INFINITY};
        struct attached a;

        for (size_t i = 0; i < n; i++)
                log_info("allowing device %c %u:%u %s in %s", rules[i].type, rules[i].major, rules[i].minor,
                         rules[i].access, dir);
        /* Older kernels charge BPF programs to RLIMIT_MEMLOCK. */
        setrlimit(RLIMIT_MEMLOCK, &unlimited);
        if (query_attached(err, cgfd, &a) < 0)
                return -1;
        if (a.count == 0) {
                if (load_program(err, rules, n, deny_all, sizeof(deny_all) / sizeof(deny_all[0]), &prog_fd) < 0)
                        return -1;
                return attach(err, cgfd, prog_fd, -1, BPF_F_ALLOW_MULTI);
        }
        for (uint32_t i = 0; i < a.count && i < MAX_PROGS; i++)
                if (replace_one(err, cgfd, a.ids[i], a.flags, rules, n) < 0)
                        return -1;
        return 0;
}

const struct cgroup_ops cgroup_v2_ops = {"v2", v2_allow};
