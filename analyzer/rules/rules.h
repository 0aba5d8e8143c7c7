/*
 * rules.h - the check function of every static rule. Each is defined in its own
 * file in this directory and listed once in registry.c.
 *
 * Contract: a check reads the linked program, appends its findings (source
 * RC_SRC_STATIC, strings owned by the findings) to out in any order (the caller
 * sorts), and returns RC_OK or an RC_E* code with err set.
 */
#ifndef RC_ANALYZER_RULES_H
#define RC_ANALYZER_RULES_H

#include "../internal.h"

int rc_rule_unprotected_rmw(const rc_program_t *p, rc_findings_t *out, rc_error_t *err);
int rc_rule_race_write_write(const rc_program_t *p, rc_findings_t *out, rc_error_t *err);
int rc_rule_race_read_write(const rc_program_t *p, rc_findings_t *out, rc_error_t *err);
int rc_rule_race_check_then_act(const rc_program_t *p, rc_findings_t *out, rc_error_t *err);
int rc_rule_lock_leak(const rc_program_t *p, rc_findings_t *out, rc_error_t *err);
int rc_rule_lock_double(const rc_program_t *p, rc_findings_t *out, rc_error_t *err);
int rc_rule_lock_unlock_unheld(const rc_program_t *p, rc_findings_t *out, rc_error_t *err);
int rc_rule_mt_unsafe_call(const rc_program_t *p, rc_findings_t *out, rc_error_t *err);
int rc_rule_cond_wait_loop(const rc_program_t *p, rc_findings_t *out, rc_error_t *err);
int rc_rule_signal_unsafe_call(const rc_program_t *p, rc_findings_t *out, rc_error_t *err);
int rc_rule_signal_shared_state(const rc_program_t *p, rc_findings_t *out, rc_error_t *err);
int rc_rule_coop_stale_across_yield(const rc_program_t *p, rc_findings_t *out, rc_error_t *err);
int rc_rule_order_inversion(const rc_program_t *p, rc_findings_t *out, rc_error_t *err);
int rc_rule_proc_lost_update(const rc_program_t *p, rc_findings_t *out, rc_error_t *err);
int rc_rule_proc_shm_race(const rc_program_t *p, rc_findings_t *out, rc_error_t *err);
int rc_rule_proc_mutex_not_pshared(const rc_program_t *p, rc_findings_t *out, rc_error_t *err);
int rc_rule_proc_fork_in_threads(const rc_program_t *p, rc_findings_t *out, rc_error_t *err);

/* A new finding of rule with severity sev, from static analysis, appended to
 * out: the set-up every rule shares. The caller sets its location, message,
 * subject and related locations. */
static inline rc_finding_t *rc_rule_finding(rc_findings_t *out, const char *rule, rc_severity_t sev)
{
    rc_finding_t *fd = rc_findings_push(out);
    fd->rule = rc_xstrdup(rule);
    fd->severity = sev;
    fd->source = RC_SRC_STATIC;
    return fd;
}

#endif /* RC_ANALYZER_RULES_H */
