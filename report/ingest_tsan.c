/*
 * ingest_tsan.c - stores the reports of one ThreadSanitizer log (parsed by
 * tsan.c) as findings of a run.
 */
#include "store_int.h"
#include "tsan.h"

int rc_store_ingest_tsan_log(rc_store_t *st, int64_t run_id, const char *log_path,
                             rc_ingest_stats_t *stats, rc_error_t *err)
{
    rc_findings_t found = {0};
    rc_tsan_stats_t ts = {0};
    int rc = rc_tsan_ingest_file(log_path, &found, &ts, err);
    if (rc == RC_OK)
        rc = rc_store_add_findings(st, run_id, &found, err);
    if (rc == RC_OK && stats) {
        stats->reports += ts.reports;
        stats->unknown += ts.unknown;
        stats->skipped += ts.skipped_lines;
        stats->malformed += ts.malformed;
        stats->findings += found.n;
    }
    rc_findings_close(&found);
    return rc;
}
