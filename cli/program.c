/*
 * program.c - inspects a program before `racecheck run` preloads the shim
 * into it. The dynamic loader silently ignores LD_PRELOAD for static binaries
 * and ignores preload paths for setuid/setgid ones, so a run would record
 * nothing; racecheck refuses those with an explanation instead. It also
 * detects ThreadSanitizer instrumentation (a __tsan_init symbol) so that the
 * TSan log can be collected in the same run.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/* execvp's search: a name without '/' is looked up in PATH. */
static char *resolve(const char *program)
{
    if (strchr(program, '/'))
        return access(program, X_OK) == 0 ? rc_xstrdup(program) : NULL;
    const char *path = getenv("PATH");
    if (!path || !*path)
        path = "/usr/local/bin:/usr/bin:/bin";
    while (*path) {
        const char *end = strchr(path, ':');
        size_t n = end ? (size_t)(end - path) : strlen(path);
        char *cand = rc_xasprintf("%.*s/%s", (int)n, n ? path : ".", program);
        struct stat sb;
        if (stat(cand, &sb) == 0 && S_ISREG(sb.st_mode) && access(cand, X_OK) == 0)
            return cand;
        free(cand);
        path += n + (end ? 1 : 0);
    }
    return NULL;
}

static int has_symbol(Elf *elf, const char *name)
{
    Elf_Scn *scn = NULL;
    while ((scn = elf_nextscn(elf, scn)) != NULL) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh) || (sh.sh_type != SHT_SYMTAB && sh.sh_type != SHT_DYNSYM))
            continue;
        Elf_Data *data = elf_getdata(scn, NULL);
        if (!data || sh.sh_entsize == 0)
            continue;
        size_t n = sh.sh_size / sh.sh_entsize;
        for (size_t i = 0; i < n; i++) {
            GElf_Sym sym;
            if (!gelf_getsym(data, (int)i, &sym))
                continue;
            const char *s = elf_strptr(elf, sh.sh_link, sym.st_name);
            if (s && strcmp(s, name) == 0)
                return 1;
        }
    }
    return 0;
}

int rc_program_inspect(const char *program, rc_program_info_t *info, rc_error_t *err)
{
    memset(info, 0, sizeof *info);
    info->path = resolve(program);
    if (!info->path)
        return rc_error_set(err, RC_ENOENT, "program '%s' not found or not executable", program);
    struct stat sb;
    if (stat(info->path, &sb) != 0)
        return rc_error_set(err, RC_EIO, "cannot stat '%s': %s", info->path, strerror(errno));
    info->is_setid = (sb.st_mode & (S_ISUID | S_ISGID)) != 0;
    int fd = open(info->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return rc_error_set(err, RC_EIO, "cannot open '%s': %s", info->path, strerror(errno));
    char magic[4] = {0};
    ssize_t got = read(fd, magic, sizeof magic);
    if (got >= 2 && magic[0] == '#' && magic[1] == '!') {
        info->is_script = 1;
        close(fd);
        return RC_OK;
    }
    elf_version(EV_CURRENT);
    Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
    if (elf && elf_kind(elf) == ELF_K_ELF) {
        info->is_elf = 1;
        size_t nph = 0;
        elf_getphdrnum(elf, &nph);
        for (size_t i = 0; i < nph; i++) {
            GElf_Phdr ph;
            if (gelf_getphdr(elf, (int)i, &ph) && ph.p_type == PT_INTERP)
                info->is_dynamic = 1;
        }
        info->has_tsan = has_symbol(elf, "__tsan_init");
    }
    if (elf)
        elf_end(elf);
    close(fd);
    return RC_OK;
}
