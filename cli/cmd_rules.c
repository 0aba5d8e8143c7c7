/*
 * cmd_rules.c - `racecheck rules`: lists the rule catalogue (rules/catalogue.json).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char usage[] = "usage: racecheck rules [-v]\n"
                            "\n"
                            "Lists every rule: id, severity, concurrency model, which evidence\n"
                            "can report it (static, shim, tsan) and what it finds.\n"
                            "  -v, --verbose   also the full description and how to fix\n";

int rc_cmd_rules(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"verbose", no_argument, NULL, 'v'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    int verbose = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "vh", longopts, NULL)) != -1) {
        switch (c) {
        case 'v':
            verbose = 1;
            break;
        case 'h':
            fputs(usage, stdout);
            return RC_EXIT_OK;
        default:
            fputs(usage, stderr);
            return RC_EXIT_USAGE;
        }
    }
    char *dir = rc_cli_rules_dir();
    rc_catalogue_t *cat = NULL;
    rc_error_t err;
    int rc = rc_catalogue_load(dir, &cat, &err);
    free(dir);
    if (rc) {
        rc_cli_error("%s", err.msg);
        return RC_EXIT_FAILURE;
    }
    int width = 0; /* the id column fits the longest id */
    for (size_t i = 0; i < rc_catalogue_count(cat); i++) {
        int n = (int)strlen(rc_catalogue_at(cat, i)->id);
        width = n > width ? n : width;
    }
    for (size_t i = 0; i < rc_catalogue_count(cat); i++) {
        const rc_rule_info_t *r = rc_catalogue_at(cat, i);
        char sources[32] = "";
        for (unsigned bit = RC_SRC_STATIC; bit <= RC_SRC_TSAN; bit <<= 1)
            if (r->sources & bit)
                snprintf(sources + strlen(sources), sizeof sources - strlen(sources), "%s%s",
                         sources[0] ? "," : "", rc_source_name((rc_source_t)bit));
        printf("%-*s %-8s %-11s %-18s %s\n", width, r->id, rc_severity_name(r->severity), r->model,
               sources, r->short_desc);
        if (verbose)
            printf("    %s\n    fix: %s\n\n", r->full_desc, r->help);
    }
    rc_catalogue_free(cat);
    return RC_EXIT_OK;
}
