/*
 * symbolize.c - turns code addresses of a logged (and possibly finished)
 * process into file:line:col and function, with libdw.
 *
 * Input: the maps sidecar <log>.maps, a copy of the process's /proc/self/maps:
 *
 *   start-end         perms offset   dev   inode  path
 *   55d0c0a00000-...  r-xp  00001000 08:01 1234   /usr/bin/prog
 *
 * Every file-backed module (path starting with '/', not "(deleted)") is
 * reported to an offline Dwfl at its load bias, computed from the ELF program
 * headers: the mapping that holds file offset O at address S belongs to the
 * PT_LOAD covering O, so bias = S - (p_vaddr - p_offset + O), page-aligned.
 * ET_EXEC files have bias 0. dwfl_report_elf is then called with
 * add_p_vaddr = true and base = bias. A module that is no longer the file the
 * process mapped (same device, new inode: rebuilt since the run) is left out,
 * so its addresses give RC_ENOENT rather than wrong lines.
 *
 * Lookups: dwfl_addrmodule, dwfl_module_getsrc + dwfl_lineinfo for the line
 * (or, when libdw finds no compile unit because the object has no
 * .debug_aranges, as clang's output, a walk over the CUs and dwarf_getsrc_die),
 * the innermost DWARF subprogram or inlined subroutine for the function (its
 * symbol from the symbol table when there is no DWARF). Return addresses are
 * looked up at addr - 1, inside the call instruction. Results, including
 * failures, are cached per (address, adjust).
 */
#include "eventlog_int.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define PAGE_MASK_4K (~(uint64_t)0xfff)

typedef struct cache_entry {
    uint64_t key; /* addr << 1 | adjust; 0 = empty (addr 0 never symbolises) */
    int rc;
    char *file, *function;
    unsigned line, col;
} cache_entry_t;

struct rc_symbolizer {
    Dwfl *dwfl; /* NULL when the sidecar could not be read */
    cache_entry_t *cache;
    size_t ncache, cap; /* cap is a power of two */
};

static const Dwfl_Callbacks offline_callbacks = {
    .find_elf = dwfl_build_id_find_elf,
    .find_debuginfo = dwfl_standard_find_debuginfo,
    .section_address = dwfl_offline_section_address,
};

/* The load bias of path mapped at start from file offset off, or -1 when the
 * ELF file cannot be read or has no PT_LOAD covering off. */
static int elf_bias(const char *path, uint64_t start, uint64_t off, uint64_t *bias)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return -1;
    int rc = -1;
    Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
    GElf_Ehdr ehdr;
    size_t phnum;
    if (elf && gelf_getehdr(elf, &ehdr) && elf_getphdrnum(elf, &phnum) == 0) {
        if (ehdr.e_type == ET_EXEC) {
            *bias = 0;
            rc = 0;
        }
        for (size_t i = 0; rc != 0 && i < phnum; i++) {
            GElf_Phdr ph;
            if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD)
                continue;
            uint64_t seg_off = ph.p_offset & PAGE_MASK_4K;
            if (off < seg_off || off >= ph.p_offset + (ph.p_filesz ? ph.p_filesz : 1))
                continue;
            *bias = start - ((ph.p_vaddr & PAGE_MASK_4K) + (off - seg_off));
            rc = 0;
        }
    }
    if (elf)
        elf_end(elf);
    close(fd);
    return rc;
}

/* Whether path can stand for the module the process mapped: a regular file
 * (a hostile sidecar may name a FIFO or a device) that is still the same
 * file. A rebuilt binary on the same device has a new inode. On overlay file
 * systems the maps line names the underlying device, which differs from
 * stat's; then nothing can be said and the file is trusted. */
static int usable_module(const char *path, unsigned dev_major, unsigned dev_minor, uint64_t inode)
{
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return 0;
    return !(inode != 0 && major(st.st_dev) == dev_major && minor(st.st_dev) == dev_minor &&
             (uint64_t)st.st_ino != inode);
}

/* Reports every module of the maps file to a new offline Dwfl. */
static Dwfl *load_maps(const char *maps_path)
{
    /* Only a regular file: a FIFO or device planted as the sidecar must not
     * block or stream forever. */
    int fd = open(maps_path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    FILE *f = fdopen(fd, "r");
    if (!f) {
        close(fd);
        return NULL;
    }
    elf_version(EV_CURRENT);
    Dwfl *dwfl = dwfl_begin(&offline_callbacks);
    if (!dwfl) {
        fclose(f);
        return NULL;
    }
    dwfl_report_begin(dwfl);
    char line[8192];
    char *last = NULL; /* the last module reported: its other mappings follow */
    while (fgets(line, sizeof line, f)) {
        uint64_t start, end, off, inode;
        unsigned dev_major, dev_minor;
        char perms[8];
        int pathpos = 0;
        if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %7s %" SCNx64 " %x:%x %" SCNu64 " %n", &start,
                   &end, perms, &off, &dev_major, &dev_minor, &inode, &pathpos) != 7 ||
            pathpos == 0)
            continue;
        char *path = line + pathpos;
        path[strcspn(path, "\n")] = '\0';
        if (path[0] != '/' || strstr(path, " (deleted)"))
            continue;
        if (last && strcmp(last, path) == 0)
            continue; /* the module is reported once, from its lowest mapping */
        free(last);
        last = rc_xstrdup(path);
        if (!usable_module(path, dev_major, dev_minor, inode))
            continue; /* gone, or rebuilt since the run: its lines would be wrong */
        uint64_t bias;
        if (elf_bias(path, start, off, &bias) != 0)
            continue;
        const char *name = strrchr(path, '/') + 1;
        /* A failure (not ELF, overlapping a module) leaves the module out. */
        dwfl_report_elf(dwfl, name, path, -1, bias, true);
    }
    free(last);
    fclose(f);
    dwfl_report_end(dwfl, NULL, NULL);
    return dwfl;
}

/* The compile unit containing pc, or NULL. libdw before 0.191 finds CUs only
 * through .debug_aranges, which clang does not emit: then walk the CUs. */
static Dwarf_Die *cu_at(Dwfl_Module *mod, Dwarf_Addr pc, Dwarf_Addr *bias)
{
    Dwarf_Die *cu = dwfl_module_addrdie(mod, pc, bias);
    if (cu)
        return cu;
    while ((cu = dwfl_module_nextcu(mod, cu, bias)) != NULL)
        if (dwarf_haspc(cu, pc - *bias) > 0)
            return cu;
    return NULL;
}

/* The innermost function (or inlined function) containing pc, or NULL. */
static const char *function_at(Dwfl_Module *mod, Dwarf_Addr pc)
{
    Dwarf_Addr bias;
    Dwarf_Die *cu = cu_at(mod, pc, &bias);
    const char *name = NULL;
    if (cu) {
        Dwarf_Die *scopes = NULL;
        int n = dwarf_getscopes(cu, pc - bias, &scopes);
        for (int i = 0; i < n && !name; i++) {
            int tag = dwarf_tag(&scopes[i]);
            if (tag == DW_TAG_subprogram || tag == DW_TAG_inlined_subroutine)
                name = dwarf_diename(&scopes[i]);
        }
        free(scopes);
    }
    return name ? name : dwfl_module_addrname(mod, pc);
}

static void resolve(rc_symbolizer_t *s, uint64_t addr, int adjust, cache_entry_t *e)
{
    e->rc = RC_ENOENT;
    if (!s->dwfl || (adjust && addr == 0))
        return;
    Dwarf_Addr pc = adjust ? addr - 1 : addr;
    Dwfl_Module *mod = dwfl_addrmodule(s->dwfl, pc);
    if (!mod)
        return;
    e->rc = RC_OK;
    int lineno = 0, col = 0;
    const char *file = NULL;
    Dwfl_Line *line = dwfl_module_getsrc(mod, pc);
    if (line) {
        file = dwfl_lineinfo(line, NULL, &lineno, &col, NULL, NULL);
    } else {
        Dwarf_Addr bias;
        Dwarf_Die *cu = cu_at(mod, pc, &bias);
        Dwarf_Line *l = cu ? dwarf_getsrc_die(cu, pc - bias) : NULL;
        if (l) {
            file = dwarf_linesrc(l, NULL, NULL);
            dwarf_lineno(l, &lineno);
            dwarf_linecol(l, &col);
        }
    }
    if (file) {
        e->file = rc_xstrdup(file);
        e->line = lineno > 0 ? (unsigned)lineno : 0;
        e->col = col > 0 ? (unsigned)col : 0;
    }
    /* An exact address is a function's entry (a start routine) or an object
     * (a lock): name it by its symbol. At an entry, the innermost scope can
     * be a function inlined into the first instructions, which is not what
     * starts there. */
    const char *symbol = adjust ? NULL : dwfl_module_addrname(mod, pc);
    e->function = rc_xstrdup(symbol ? symbol : function_at(mod, pc));
}

static size_t slot_of(uint64_t key, size_t cap)
{
    return (size_t)((key * 0x9E3779B97F4A7C15ull) >> 20) & (cap - 1);
}

static cache_entry_t *cache_find(rc_symbolizer_t *s, uint64_t key, int *found)
{
    size_t i = slot_of(key, s->cap);
    while (s->cache[i].key && s->cache[i].key != key)
        i = (i + 1) & (s->cap - 1);
    *found = s->cache[i].key == key;
    return &s->cache[i];
}

static void cache_grow(rc_symbolizer_t *s)
{
    cache_entry_t *old = s->cache;
    size_t oldcap = s->cap;
    s->cap = oldcap ? oldcap * 2 : 256;
    s->cache = rc_xcalloc(s->cap, sizeof *s->cache);
    for (size_t i = 0; i < oldcap; i++) {
        if (!old[i].key)
            continue;
        int found;
        *cache_find(s, old[i].key, &found) = old[i];
    }
    free(old);
}

int rc_symbolizer_lookup(rc_symbolizer_t **sym, const char *log_path, uint64_t addr, int adjust,
                         rc_loc_t *out)
{
    memset(out, 0, sizeof *out);
    rc_symbolizer_t *s = *sym;
    if (!s) {
        s = *sym = rc_xcalloc(1, sizeof *s);
        char *maps = rc_xasprintf("%s.maps", log_path);
        s->dwfl = load_maps(maps);
        free(maps);
    }
    if (addr == 0 || addr >> 63)
        return RC_ENOENT; /* not a user-space code address; also keeps keys non-zero */
    uint64_t key = addr << 1 | (adjust ? 1 : 0);
    if ((s->ncache + 1) * 2 > s->cap)
        cache_grow(s);
    int found;
    cache_entry_t *e = cache_find(s, key, &found);
    if (!found) {
        e->key = key;
        resolve(s, addr, adjust, e);
        s->ncache++;
    }
    if (e->rc == RC_OK)
        rc_loc_set(out, e->file, e->line, e->col, e->function, NULL);
    return e->rc;
}

void rc_symbolizer_free(rc_symbolizer_t *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->cap; i++) {
        free(s->cache[i].file);
        free(s->cache[i].function);
    }
    free(s->cache);
    if (s->dwfl)
        dwfl_end(s->dwfl);
    free(s);
}
