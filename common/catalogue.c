/*
 * catalogue.c - loads the rule table, rules/catalogue.json.
 *
 * Format (version 1):
 *   { "version": 1,
 *     "rules": [ { "id": "race.unprotected-rmw", "severity": "warning",
 *                  "model": "threads", "sources": ["static", "tsan"],
 *                  "short": "...", "full": "...", "help": "..." }, ... ] }
 * Every field is required. Ids are unique.
 */
#include "common.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

struct rc_catalogue {
    rc_rule_info_t *rules;
    size_t n;
};

static const char *field(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static int parse_sources(json_t *arr, unsigned *out)
{
    size_t i;
    json_t *v;
    *out = 0;
    if (!json_is_array(arr))
        return RC_EPARSE;
    json_array_foreach(arr, i, v)
    {
        const char *s = json_string_value(v);
        if (!s)
            return RC_EPARSE;
        if (strcmp(s, "static") == 0)
            *out |= RC_SRC_STATIC;
        else if (strcmp(s, "shim") == 0)
            *out |= RC_SRC_SHIM;
        else if (strcmp(s, "tsan") == 0)
            *out |= RC_SRC_TSAN;
        else
            return RC_EPARSE;
    }
    return RC_OK;
}

int rc_catalogue_load(const char *rules_dir, rc_catalogue_t **out, rc_error_t *err)
{
    char *path = rc_xasprintf("%s/catalogue.json", rules_dir);
    json_error_t jerr;
    json_t *root = json_load_file(path, 0, &jerr);
    if (!root) {
        int rc =
            rc_error_set(err, RC_EPARSE, "%s:%d:%d: %s", path, jerr.line, jerr.column, jerr.text);
        free(path);
        return rc;
    }
    json_t *rules = json_object_get(root, "rules");
    if (!json_is_array(rules)) {
        json_decref(root);
        int rc = rc_error_set(err, RC_EPARSE, "%s: no \"rules\" array", path);
        free(path);
        return rc;
    }
    rc_catalogue_t *cat = rc_xcalloc(1, sizeof *cat);
    cat->rules = rc_xcalloc(json_array_size(rules), sizeof *cat->rules);
    size_t i;
    json_t *r;
    int rc = RC_OK;
    json_array_foreach(rules, i, r)
    {
        rc_rule_info_t *ri = &cat->rules[cat->n];
        const char *id = field(r, "id"), *sev = field(r, "severity"), *model = field(r, "model");
        const char *sh = field(r, "short"), *full = field(r, "full"), *help = field(r, "help");
        if (!id || !sev || !model || !sh || !full || !help ||
            rc_severity_parse(sev, &ri->severity) != RC_OK ||
            parse_sources(json_object_get(r, "sources"), &ri->sources) != RC_OK) {
            rc = rc_error_set(err, RC_EPARSE, "%s: rule #%zu (%s) is incomplete or malformed", path,
                              i + 1, id ? id : "no id");
            break;
        }
        if (rc_catalogue_find(cat, id)) {
            rc = rc_error_set(err, RC_EPARSE, "%s: rule '%s' is listed twice", path, id);
            break;
        }
        ri->id = rc_xstrdup(id);
        ri->model = rc_xstrdup(model);
        ri->short_desc = rc_xstrdup(sh);
        ri->full_desc = rc_xstrdup(full);
        ri->help = rc_xstrdup(help);
        cat->n++;
    }
    json_decref(root);
    free(path);
    if (rc != RC_OK) {
        rc_catalogue_free(cat);
        return rc;
    }
    *out = cat;
    return RC_OK;
}

void rc_catalogue_free(rc_catalogue_t *cat)
{
    if (!cat)
        return;
    for (size_t i = 0; i < cat->n; i++) {
        rc_rule_info_t *r = &cat->rules[i];
        free(r->id);
        free(r->model);
        free(r->short_desc);
        free(r->full_desc);
        free(r->help);
    }
    free(cat->rules);
    free(cat);
}

size_t rc_catalogue_count(const rc_catalogue_t *cat)
{
    return cat->n;
}

const rc_rule_info_t *rc_catalogue_at(const rc_catalogue_t *cat, size_t i)
{
    return i < cat->n ? &cat->rules[i] : NULL;
}

const rc_rule_info_t *rc_catalogue_find(const rc_catalogue_t *cat, const char *id)
{
    for (size_t i = 0; i < cat->n; i++)
        if (strcmp(cat->rules[i].id, id) == 0)
            return &cat->rules[i];
    return NULL;
}
