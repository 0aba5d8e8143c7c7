/*
 * config.c - the project configuration file, `.racecheck.json`, found in the
 * current directory or the nearest parent. JSON read with jansson; unknown
 * keys are errors, so that a typo does not silently change nothing.
 *
 *   key          type                 meaning
 *   version      1                    format version (optional)
 *   build_dir    string               default -p for scan and check (relative to the file)
 *   extra_args   [string]             added to every compile command
 *   exclude      [string]             fnmatch(3) patterns of paths (relative to the file)
 *                                     whose findings are dropped and whose TUs are not scanned
 *   baseline     string               baseline file for check (relative to the file)
 *   rules        {id: {enabled: bool, severity: "note"|"warning"|"error"}}
 *   api_models   [string]             extra API model files (format: rules/README.md)
 */
#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static char *resolve(const char *dir, const char *path)
{
    return path[0] == '/' ? rc_xstrdup(path) : rc_xasprintf("%s/%s", dir, path);
}

static char *find_config(void)
{
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd))
        return NULL;
    for (;;) {
        char *p = rc_xasprintf("%s/.racecheck.json", cwd);
        if (access(p, F_OK) == 0)
            return p;
        free(p);
        char *slash = strrchr(cwd, '/');
        if (!slash || slash == cwd)
            return NULL;
        *slash = '\0';
    }
}

static int string_list(json_t *v, const char *key, const char *path, char ***out, size_t *n,
                       const char *dir, rc_error_t *err)
{
    if (!json_is_array(v))
        return rc_error_set(err, RC_EPARSE, "%s: \"%s\" must be a list of strings", path, key);
    size_t i;
    json_t *e;
    json_array_foreach(v, i, e)
    {
        if (!json_is_string(e))
            return rc_error_set(err, RC_EPARSE, "%s: \"%s\" must be a list of strings", path, key);
        *out = rc_xrealloc(*out, (*n + 1) * sizeof **out);
        (*out)[(*n)++] =
            dir ? resolve(dir, json_string_value(e)) : rc_xstrdup(json_string_value(e));
    }
    return RC_OK;
}

static int load_rules(json_t *v, const char *path, const rc_catalogue_t *cat, rc_policy_t *policy,
                      rc_error_t *err)
{
    if (!json_is_object(v))
        return rc_error_set(err, RC_EPARSE, "%s: \"rules\" must be an object", path);
    const char *id;
    json_t *r;
    json_object_foreach(v, id, r)
    {
        if (cat && !rc_catalogue_find(cat, id))
            return rc_error_set(err, RC_EPARSE, "%s: unknown rule '%s' (see racecheck rules)", path,
                                id);
        if (!json_is_object(r))
            return rc_error_set(err, RC_EPARSE, "%s: rule '%s' must be an object", path, id);
        const char *key;
        json_t *val;
        json_object_foreach(r, key, val)
        {
            rc_severity_t sev;
            if (strcmp(key, "enabled") == 0 && json_is_boolean(val))
                rc_policy_enable_rule(policy, id, json_is_true(val));
            else if (strcmp(key, "severity") == 0 &&
                     rc_severity_parse(json_string_value(val), &sev) == RC_OK)
                rc_policy_set_severity(policy, id, sev);
            else
                return rc_error_set(err, RC_EPARSE,
                                    "%s: rule '%s': \"%s\" is not enabled (true/false) or "
                                    "severity (note/warning/error)",
                                    path, id, key);
        }
    }
    return RC_OK;
}

int rc_config_load(rc_config_t *cfg, const rc_catalogue_t *cat, rc_policy_t *policy,
                   rc_error_t *err)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->path = find_config();
    if (!cfg->path)
        return RC_OK;
    cfg->dir = rc_xstrdup(cfg->path);
    *strrchr(cfg->dir, '/') = '\0';
    json_error_t jerr;
    json_t *root = json_load_file(cfg->path, 0, &jerr);
    if (!root)
        return rc_error_set(err, RC_EPARSE, "%s:%d:%d: %s", cfg->path, jerr.line, jerr.column,
                            jerr.text);
    int rc = RC_OK;
    if (!json_is_object(root))
        rc = rc_error_set(err, RC_EPARSE, "%s: the configuration must be a JSON object", cfg->path);
    const char *key;
    json_t *v;
    char **excludes = NULL;
    size_t nexcludes = 0;
    json_object_foreach(root, key, v)
    {
        if (rc)
            break;
        if (strcmp(key, "version") == 0) {
            if (json_integer_value(v) != 1)
                rc = rc_error_set(err, RC_EPARSE,
                                  "%s: unsupported version (this racecheck reads 1)", cfg->path);
        } else if (strcmp(key, "build_dir") == 0 && json_is_string(v)) {
            cfg->build_dir = resolve(cfg->dir, json_string_value(v));
        } else if (strcmp(key, "baseline") == 0 && json_is_string(v)) {
            cfg->baseline = resolve(cfg->dir, json_string_value(v));
        } else if (strcmp(key, "extra_args") == 0) {
            rc = string_list(v, key, cfg->path, &cfg->extra_args, &cfg->nextra_args, NULL, err);
        } else if (strcmp(key, "api_models") == 0) {
            rc = string_list(v, key, cfg->path, &cfg->api_models, &cfg->napi_models, cfg->dir, err);
            for (size_t i = 0; rc == RC_OK && i < cfg->napi_models; i++)
                if (access(cfg->api_models[i], R_OK) != 0)
                    rc = rc_error_set(err, RC_EPARSE, "%s: api_models: cannot read '%s'", cfg->path,
                                      cfg->api_models[i]);
        } else if (strcmp(key, "exclude") == 0) {
            rc = string_list(v, key, cfg->path, &excludes, &nexcludes, cfg->dir, err);
        } else if (strcmp(key, "rules") == 0) {
            rc = load_rules(v, cfg->path, cat, policy, err);
        } else {
            rc = rc_error_set(err, RC_EPARSE, "%s: unknown or mistyped key \"%s\"", cfg->path, key);
        }
    }
    for (size_t i = 0; i < nexcludes; i++) {
        rc_policy_exclude(policy, excludes[i]);
        free(excludes[i]);
    }
    free(excludes);
    json_decref(root);
    return rc;
}

void rc_config_close(rc_config_t *cfg)
{
    for (size_t i = 0; i < cfg->nextra_args; i++)
        free(cfg->extra_args[i]);
    for (size_t i = 0; i < cfg->napi_models; i++)
        free(cfg->api_models[i]);
    free(cfg->extra_args);
    free(cfg->api_models);
    free(cfg->build_dir);
    free(cfg->baseline);
    free(cfg->path);
    free(cfg->dir);
    memset(cfg, 0, sizeof *cfg);
}
