/*
 * render_sarif.c - SARIF 2.1.0, as GitHub code scanning reads it.
 *
 *   SARIF                          from
 *   runs[0].tool.driver.rules[]    the rule catalogue: id, short/full description, help,
 *                                  default level, model as a tag
 *   results[].locations[0]         the primary location; file URIs relative to the source
 *                                  root (uriBaseId SRCROOT) when under it, absolute otherwise
 *   results[].relatedLocations[]   related locations, each with an id that the message
 *                                  links to as [note](id) (GitHub shows only linked ones)
 *   results[].codeFlows[0]         one threadFlow per thread taking part (locations that
 *                                  name a thread), in order of first appearance
 *   results[].partialFingerprints  primaryLocationLineHash = the store's fingerprint
 *   results[].properties           sources and confidence
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "render_int.h"

/* Percent-encodes a path for a URI, keeping '/' and unreserved characters. */
static char *uri_encode(const char *path)
{
    rc_strbuf_t b;
    rc_strbuf_init(&b);
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("/-._~", *p))
            rc_strbuf_appendn(&b, (const char *)p, 1);
        else
            rc_strbuf_appendf(&b, "%%%02X", *p);
    }
    return rc_strbuf_take(&b);
}

static json_t *jtext(const char *s)
{
    json_t *o = json_object();
    json_object_set_new(o, "text", rc_json_string(s ? s : ""));
    return o;
}

static const char *level_of(rc_severity_t s)
{
    return s == RC_SEV_ERROR ? "error" : s == RC_SEV_NOTE ? "note" : "warning";
}

static json_t *physical(const rc_loc_t *l, const char *root)
{
    json_t *art = json_object();
    size_t n = root ? strlen(root) : 0;
    if (l->file && n && strncmp(l->file, root, n) == 0 && l->file[n] == '/') {
        char *u = uri_encode(l->file + n + 1);
        json_object_set_new(art, "uri", json_string(u));
        json_object_set_new(art, "uriBaseId", json_string("SRCROOT"));
        free(u);
    } else if (l->file && l->file[0] == '/') {
        char *u = uri_encode(l->file), *full = rc_xasprintf("file://%s", u);
        json_object_set_new(art, "uri", json_string(full));
        free(u);
        free(full);
    } else {
        char *u = uri_encode(l->file ? l->file : "unknown");
        json_object_set_new(art, "uri", json_string(u));
        free(u);
    }
    json_t *o = json_object();
    json_object_set_new(o, "artifactLocation", art);
    if (l->line) {
        json_t *region = json_object();
        json_object_set_new(region, "startLine", json_integer(l->line));
        if (l->col)
            json_object_set_new(region, "startColumn", json_integer(l->col));
        json_object_set_new(o, "region", region);
    }
    return o;
}

static json_t *location(const rc_loc_t *l, const char *root, int id, const char *msg)
{
    json_t *o = json_object();
    if (id >= 0)
        json_object_set_new(o, "id", json_integer(id));
    json_object_set_new(o, "physicalLocation", physical(l, root));
    if (l->function) {
        json_t *logical = json_object(), *arr = json_array();
        json_object_set_new(logical, "name", rc_json_string(l->function));
        json_object_set_new(logical, "kind", json_string("function"));
        json_array_append_new(arr, logical);
        json_object_set_new(o, "logicalLocations", arr);
    }
    if (msg)
        json_object_set_new(o, "message", jtext(msg));
    return o;
}

static json_t *rules_json(const rc_findings_t *fs, const rc_catalogue_t *cat, char ***ids,
                          size_t *nids)
{
    json_t *rules = json_array();
    *ids = NULL;
    *nids = 0;
    for (size_t i = 0; i < fs->n; i++) {
        const char *id = fs->v[i].rule;
        size_t k = 0;
        while (k < *nids && strcmp((*ids)[k], id) != 0)
            k++;
        if (k < *nids)
            continue;
        *ids = rc_xrealloc(*ids, (*nids + 1) * sizeof **ids);
        (*ids)[(*nids)++] = rc_xstrdup(id);
        const rc_rule_info_t *ri = cat ? rc_catalogue_find(cat, id) : NULL;
        json_t *r = json_object();
        json_object_set_new(r, "id", rc_json_string(id));
        json_object_set_new(r, "name", rc_json_string(id));
        json_object_set_new(r, "shortDescription", jtext(ri ? ri->short_desc : id));
        json_object_set_new(r, "fullDescription", jtext(ri ? ri->full_desc : id));
        json_t *help = jtext(ri ? ri->help : "See the racecheck documentation of this rule.");
        char *md = rc_xasprintf("%s\n\n%s", ri ? ri->full_desc : id,
                                ri ? ri->help : "See the racecheck documentation of this rule.");
        json_object_set_new(help, "markdown", rc_json_string(md));
        free(md);
        json_object_set_new(r, "help", help);
        json_t *conf = json_object();
        json_object_set_new(conf, "level",
                            json_string(level_of(ri ? ri->severity : fs->v[i].severity)));
        json_object_set_new(r, "defaultConfiguration", conf);
        json_t *props = json_object(), *tags = json_array();
        json_array_append_new(tags, json_string("concurrency"));
        if (ri)
            json_array_append_new(tags, rc_json_string(ri->model));
        json_object_set_new(props, "tags", tags);
        json_object_set_new(r, "properties", props);
        json_array_append_new(rules, r);
    }
    return rules;
}

/* One threadFlow per distinct thread label, in order of first appearance. */
static json_t *code_flows(const rc_finding_t *f, const char *root)
{
    const rc_loc_t **locs = rc_xcalloc(f->nrelated + 1, sizeof *locs);
    size_t n = 0;
    if (f->loc.thread)
        locs[n++] = &f->loc;
    for (size_t i = 0; i < f->nrelated; i++)
        if (f->related[i].thread)
            locs[n++] = &f->related[i];
    if (n == 0) {
        free(locs);
        return NULL;
    }
    json_t *flows = json_array();
    char *done = rc_xcalloc(n, 1);
    for (size_t i = 0; i < n; i++) {
        if (done[i])
            continue;
        json_t *tf = json_object(), *steps = json_array();
        json_object_set_new(tf, "id", rc_json_string(locs[i]->thread));
        json_object_set_new(tf, "message", jtext(locs[i]->thread));
        for (size_t j = i; j < n; j++) {
            if (done[j] || strcmp(locs[j]->thread, locs[i]->thread) != 0)
                continue;
            done[j] = 1;
            json_t *step = json_object();
            json_object_set_new(
                step, "location",
                location(locs[j], root, -1, locs[j]->note ? locs[j]->note : f->message));
            json_array_append_new(steps, step);
        }
        json_object_set_new(tf, "locations", steps);
        json_array_append_new(flows, tf);
    }
    free(done);
    free(locs);
    json_t *cf = json_object(), *arr = json_array();
    json_object_set_new(cf, "threadFlows", flows);
    json_array_append_new(arr, cf);
    return arr;
}

static json_t *result_json(const rc_finding_t *f, const char *root, char **ids, size_t nids)
{
    json_t *r = json_object();
    json_object_set_new(r, "ruleId", rc_json_string(f->rule));
    for (size_t k = 0; k < nids; k++)
        if (strcmp(ids[k], f->rule) == 0)
            json_object_set_new(r, "ruleIndex", json_integer((json_int_t)k));
    json_object_set_new(r, "level", json_string(level_of(f->severity)));
    /* The message links every related location so that GitHub shows them. */
    rc_strbuf_t msg;
    rc_strbuf_init(&msg);
    rc_strbuf_append(&msg, f->message ? f->message : "");
    json_t *related = json_array();
    for (size_t i = 0; i < f->nrelated; i++) {
        const rc_loc_t *l = &f->related[i];
        const char *note = l->note ? l->note : "related location";
        rc_strbuf_appendf(&msg, "%s", i == 0 ? " See: " : "; ");
        /* Brackets inside the link text would end it early. */
        for (const char *c = note; *c; c++)
            rc_strbuf_appendn(&msg, *c == '[' ? "(" : *c == ']' ? ")" : c, 1);
        rc_strbuf_appendf(&msg, " [here](%zu)", i + 1);
        json_array_append_new(related, location(l, root, (int)i + 1, note));
    }
    if (f->nrelated)
        rc_strbuf_append(&msg, ".");
    json_object_set_new(r, "message", jtext(msg.s));
    rc_strbuf_close(&msg);
    json_t *locs = json_array();
    json_array_append_new(locs, location(&f->loc, root, -1, NULL));
    json_object_set_new(r, "locations", locs);
    if (f->nrelated)
        json_object_set_new(r, "relatedLocations", related);
    else
        json_decref(related);
    if (f->fingerprint) {
        json_t *fp = json_object();
        json_object_set_new(fp, "primaryLocationLineHash", rc_json_string(f->fingerprint));
        json_object_set_new(r, "partialFingerprints", fp);
    }
    if (f->status) {
        /* SARIF's own vocabulary for comparisons with an earlier run. */
        const char *state = strcmp(f->status, "new") == 0     ? "new"
                            : strcmp(f->status, "fixed") == 0 ? "absent"
                                                              : "unchanged";
        json_object_set_new(r, "baselineState", json_string(state));
    }
    json_t *flows = code_flows(f, root);
    if (flows)
        json_object_set_new(r, "codeFlows", flows);
    json_t *props = json_object(), *src = json_array();
    for (unsigned bit = RC_SRC_STATIC; bit <= RC_SRC_TSAN; bit <<= 1)
        if (f->source & bit)
            json_array_append_new(src, json_string(rc_source_name((rc_source_t)bit)));
    json_object_set_new(props, "sources", src);
    json_object_set_new(props, "confidence", json_string(rc_confidence(f->source)));
    if (f->subject)
        json_object_set_new(props, "subject", rc_json_string(f->subject));
    json_object_set_new(r, "properties", props);
    return r;
}

int rc_render_sarif(const rc_findings_t *fs, const rc_report_opts_t *opts, rc_error_t *err)
{
    char cwd[4096];
    const char *root = opts->srcroot;
    if (!root)
        root = getcwd(cwd, sizeof cwd);
    char **ids;
    size_t nids;
    json_t *driver = json_object();
    json_object_set_new(driver, "name", json_string("racecheck"));
    json_object_set_new(driver, "version",
                        rc_json_string(opts->tool_version ? opts->tool_version : "0"));
    json_object_set_new(driver, "rules", rules_json(fs, opts->catalogue, &ids, &nids));
    json_t *tool = json_object();
    json_object_set_new(tool, "driver", driver);
    json_t *run = json_object(), *results = json_array();
    json_object_set_new(run, "tool", tool);
    if (root) {
        char *u = uri_encode(root), *full = rc_xasprintf("file://%s/", u);
        json_t *base = json_object(), *srcroot = json_object();
        json_object_set_new(srcroot, "uri", json_string(full));
        json_object_set_new(base, "SRCROOT", srcroot);
        json_object_set_new(run, "originalUriBaseIds", base);
        free(u);
        free(full);
    }
    for (size_t i = 0; i < fs->n; i++)
        json_array_append_new(results, result_json(&fs->v[i], root, ids, nids));
    json_object_set_new(run, "results", results);
    json_object_set_new(run, "columnKind", json_string("utf16CodeUnits"));
    json_t *runs = json_array(), *root_obj = json_object();
    json_array_append_new(runs, run);
    json_object_set_new(root_obj, "$schema",
                        json_string("https://json.schemastore.org/sarif-2.1.0.json"));
    json_object_set_new(root_obj, "version", json_string("2.1.0"));
    json_object_set_new(root_obj, "runs", runs);
    int rc = RC_OK;
    if (json_dumpf(root_obj, opts->out, JSON_INDENT(2)) != 0)
        rc = rc_error_set(err, RC_EIO, "cannot write the SARIF report");
    fputc('\n', opts->out);
    json_decref(root_obj);
    for (size_t k = 0; k < nids; k++)
        free(ids[k]);
    free(ids);
    return rc;
}
