/*
 * test_catalogue.c - the rule table is the single list of rules: every rule
 * of rules/catalogue.json has its page docs/rules/<id>.md, every page belongs
 * to a rule, and the docs index lists every rule.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

#define RULES_DOCS RC_TEST_SOURCE_DIR "/docs/rules"

Test(catalogue, every_rule_has_a_doc_page_and_every_page_a_rule)
{
    rc_catalogue_t *cat = NULL;
    rc_error_t err;
    cr_assert_eq(rc_catalogue_load(RC_TEST_SOURCE_DIR "/rules", &cat, &err), RC_OK, "%s", err.msg);
    char *index;
    cr_assert_eq(rc_read_file(RULES_DOCS "/README.md", &index, NULL, &err), RC_OK, "%s", err.msg);
    for (size_t i = 0; i < rc_catalogue_count(cat); i++) {
        const rc_rule_info_t *r = rc_catalogue_at(cat, i);
        char *page = rc_xasprintf(RULES_DOCS "/%s.md", r->id);
        cr_expect_eq(access(page, R_OK), 0, "rule %s has no page %s", r->id, page);
        char *link = rc_xasprintf("(%s.md)", r->id);
        cr_expect(strstr(index, link) != NULL, "docs/rules/README.md does not list %s", r->id);
        free(link);
        free(page);
    }
    DIR *d = opendir(RULES_DOCS);
    cr_assert_not_null(d);
    struct dirent *de;
    size_t pages = 0;
    while ((de = readdir(d)) != NULL) {
        size_t n = strlen(de->d_name);
        if (n < 4 || strcmp(de->d_name + n - 3, ".md") != 0 || strcmp(de->d_name, "README.md") == 0)
            continue;
        pages++;
        char *id = rc_xasprintf("%.*s", (int)(n - 3), de->d_name);
        cr_expect_not_null(rc_catalogue_find(cat, id), "page %s has no rule in the catalogue",
                           de->d_name);
        free(id);
    }
    closedir(d);
    cr_expect_eq(pages, rc_catalogue_count(cat));
    free(index);
    rc_catalogue_free(cat);
}
