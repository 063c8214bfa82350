import unittest

from metriccare_etl.bronze.processed_files import (
    FAILED,
    IN_PROGRESS,
    PARTIAL,
    PENDING,
    PROCESSED,
    WAITING,
    ProcessedFilesTable,
    claim_files,
    iso_timestamp,
)
from metriccare_etl.errors import ProcessedFilesError

from .fakes import FakeClientError, FakeDynamoDB
from .support import INGESTED_AT, RAW_BUCKET, utc

TABLE, INDEX = "metriccare_processed_files_dev", "status_index"
THIS_RUN, DEAD_RUN = "wr_this", "wr_dead"
# Glue job run ids: one per attempt; a retry keeps the workflow run id and gets a new job run id.
THIS_ATTEMPT, DEAD_ATTEMPT, RETRY = "jr_this", "jr_dead", "jr_this_attempt_1"


def item(name, status, received_at="2025-01-15T05:00:00.000Z", **extra):
    """An item as the trigger Lambda writes it (plus Bronze's attributes in `extra`)."""
    key = f"fhir/{name}.json"
    attributes = {
        "file_key": {"S": f"s3://{RAW_BUCKET}/{key}#v1"},
        "bucket": {"S": RAW_BUCKET},
        "object_key": {"S": key},
        "version_id": {"S": "v1"},
        "status": {"S": status},
        "received_at": {"S": received_at},
    }
    attributes.update({name: {"S": value} for name, value in extra.items()})
    return attributes


def key(name):
    return f"s3://{RAW_BUCKET}/fhir/{name}.json#v1"


class ClaimFilesTest(unittest.TestCase):
    def setUp(self):
        self.dynamodb = FakeDynamoDB(
            [
                item("pending", PENDING, "2025-01-15T05:00:00.000Z"),
                item("waiting", WAITING, "2025-01-15T04:00:00.000Z", waiting_for_run_id="wr_prev"),
                item("dead", IN_PROGRESS, "2025-01-14T23:00:00.000Z", run_id=DEAD_RUN, job_run_id=DEAD_ATTEMPT),
                item("mine", IN_PROGRESS, "2025-01-15T01:00:00.000Z", run_id=THIS_RUN, job_run_id=THIS_ATTEMPT),
                item("done", PROCESSED, run_id="wr_old"),
                item("failed", FAILED, run_id="wr_old", error="not valid JSON"),
            ]
        )
        self.table = ProcessedFilesTable(self.dynamodb, TABLE, INDEX)

    def claim(self, run_id=THIS_RUN, job_run_id=THIS_ATTEMPT, limit=100):
        return [tracked.file_key for tracked in claim_files(self.table, run_id, job_run_id, INGESTED_AT, limit)]

    def test_claims_pending_waiting_and_dead_run_files_only(self):
        # Act
        claimed = self.claim()
        # Assess: dead-run items first, then PENDING, then WAITING; never PROCESSED, FAILED or its own.
        self.assertEqual(claimed, [key("dead"), key("pending"), key("waiting")])
        for name in ("dead", "pending", "waiting"):
            stored = self.dynamodb.items[key(name)]
            self.assertEqual(stored["status"], {"S": IN_PROGRESS})
            self.assertEqual(stored["run_id"], {"S": THIS_RUN})
            self.assertEqual(stored["job_run_id"], {"S": THIS_ATTEMPT})
            self.assertEqual(stored["claimed_at"], {"S": "2025-01-15T06:00:00.000Z"})
        self.assertEqual(self.dynamodb.status_of(key("done")), PROCESSED)
        self.assertEqual(self.dynamodb.status_of(key("failed")), FAILED)

    def test_returns_the_files_as_claimed(self):
        claimed = claim_files(self.table, THIS_RUN, THIS_ATTEMPT, INGESTED_AT, 100)
        self.assertEqual(
            {(tracked.status, tracked.run_id, tracked.job_run_id) for tracked in claimed}, {(IN_PROGRESS, THIS_RUN, THIS_ATTEMPT)}
        )
        self.assertEqual(claimed[1].object_key, "fhir/pending.json")
        self.assertEqual(claimed[1].version_id, "v1")

    def test_no_file_is_claimed_twice(self):
        # Prepare: this run claims every file it may.
        first = self.claim()
        # Act: the same run queries again and finds only items it already owns.
        again = self.claim()
        # Assess
        self.assertEqual(len(first), 3)
        self.assertEqual(again, [])

    def test_a_later_run_takes_over_the_files_of_a_run_that_died(self):
        # Prepare: this run claimed three files and died before finishing them.
        self.claim()
        # Act
        taken_over = self.claim(run_id="wr_next", job_run_id="jr_next")
        # Assess: its three, plus the one "mine" left IN_PROGRESS earlier.
        self.assertEqual(sorted(taken_over), sorted([key("dead"), key("mine"), key("pending"), key("waiting")]))
        self.assertEqual({self.dynamodb.items[file_key]["run_id"]["S"] for file_key in taken_over}, {"wr_next"})
        self.assertEqual({self.dynamodb.items[file_key]["job_run_id"]["S"] for file_key in taken_over}, {"jr_next"})

    def test_a_glue_retry_takes_over_the_files_of_its_failed_attempt(self):
        # Prepare: the first attempt of this workflow run claimed three files and failed.
        self.claim()
        # Act: Glue retries the job: same WORKFLOW_RUN_ID, new JOB_RUN_ID.
        taken_over = self.claim(run_id=THIS_RUN, job_run_id=RETRY)
        # Assess: every IN_PROGRESS item of the dead attempt, oldest received_at first
        # (dead 2025-01-14T23:00, mine 01:00, waiting 04:00, pending 05:00); run_id stays the workflow run.
        self.assertEqual(taken_over, [key("dead"), key("mine"), key("waiting"), key("pending")])
        for file_key in taken_over:
            stored = self.dynamodb.items[file_key]
            self.assertEqual(
                (stored["status"], stored["run_id"], stored["job_run_id"]), ({"S": IN_PROGRESS}, {"S": THIS_RUN}, {"S": RETRY})
            )

    def test_takes_over_an_item_claimed_before_job_runs_were_recorded(self):
        # Prepare: IN_PROGRESS with this very workflow run id but no job_run_id (an older Bronze, or
        # this run's first attempt under it), so no live attempt can own it.
        dynamodb = FakeDynamoDB([item("legacy", IN_PROGRESS, run_id=THIS_RUN)])
        # Act
        claimed = claim_files(ProcessedFilesTable(dynamodb, TABLE, INDEX), THIS_RUN, THIS_ATTEMPT, INGESTED_AT, 100)
        # Assess
        self.assertEqual([tracked.file_key for tracked in claimed], [key("legacy")])
        self.assertEqual(dynamodb.items[key("legacy")]["job_run_id"], {"S": THIS_ATTEMPT})

    def test_skips_a_file_whose_status_changed_since_the_query(self):
        # Prepare: another claimant takes "pending" between the query and this run's update.
        def someone_else_claims(file_key):
            if file_key == key("pending"):
                self.dynamodb.items[file_key] = dict(
                    self.dynamodb.items[file_key], status={"S": IN_PROGRESS}, run_id={"S": "wr_other"}, job_run_id={"S": "jr_other"}
                )

        self.dynamodb.before_update = someone_else_claims
        # Act
        claimed = self.claim()
        # Assess
        self.assertNotIn(key("pending"), claimed)
        self.assertEqual(self.dynamodb.items[key("pending")]["run_id"], {"S": "wr_other"})

    def test_does_not_take_over_a_dead_run_file_that_another_run_took_first(self):
        def another_run_takes_it(file_key):
            if file_key == key("dead"):
                self.dynamodb.items[file_key] = dict(self.dynamodb.items[file_key], run_id={"S": "wr_other"})

        self.dynamodb.before_update = another_run_takes_it
        self.assertNotIn(key("dead"), self.claim())

    def test_does_not_take_over_a_file_another_attempt_of_the_same_run_took_first(self):
        # Prepare: between the query and the update, another job run of the dead file's workflow run
        # took it: run_id unchanged, job_run_id changed.
        def another_attempt_takes_it(file_key):
            if file_key == key("dead"):
                self.dynamodb.items[file_key] = dict(self.dynamodb.items[file_key], job_run_id={"S": "jr_dead_attempt_1"})

        self.dynamodb.before_update = another_attempt_takes_it
        # Act
        claimed = self.claim()
        # Assess
        self.assertNotIn(key("dead"), claimed)
        self.assertEqual(self.dynamodb.items[key("dead")]["job_run_id"], {"S": "jr_dead_attempt_1"})

    def test_the_take_over_is_conditional_on_every_ownership_attribute_seen(self):
        # Prepare: record the requests the table sends.
        requests = []
        original_update = self.dynamodb.update_item

        def recording_update(**request):
            requests.append(request)
            return original_update(**request)

        self.dynamodb.update_item = recording_update
        # Act
        self.claim(limit=1)
        # Assess: the one request, for "dead" (IN_PROGRESS, wr_dead, jr_dead).
        request = requests[0]
        self.assertEqual(
            request["ConditionExpression"],
            "attribute_exists(#file_key) AND #status = :observed_status AND #run_id = :observed_run_id AND #job_run_id = :observed_job_run_id",
        )
        self.assertEqual(
            request["UpdateExpression"], "SET #status = :in_progress, #run_id = :run_id, #job_run_id = :job_run_id, #claimed_at = :now"
        )
        self.assertEqual(
            {name: value["S"] for name, value in request["ExpressionAttributeValues"].items()},
            {
                ":observed_status": IN_PROGRESS,
                ":observed_run_id": DEAD_RUN,
                ":observed_job_run_id": DEAD_ATTEMPT,
                ":in_progress": IN_PROGRESS,
                ":run_id": THIS_RUN,
                ":job_run_id": THIS_ATTEMPT,
                ":now": "2025-01-15T06:00:00.000Z",
            },
        )

    def test_claims_a_file_once_when_it_moves_from_pending_to_waiting_during_the_queries(self):
        # Prepare: the Lambda moves "pending" to WAITING right after the PENDING query returned it,
        # so the WAITING query returns it too.
        table = self.table
        original_query = self.dynamodb.query

        def query_then_move(**request):
            response = original_query(**request)
            if request["ExpressionAttributeValues"][":status"]["S"] == PENDING:
                self.dynamodb.items[key("pending")]["status"] = {"S": WAITING}
            return response

        self.dynamodb.query = query_then_move
        # Act
        claimed = claim_files(table, THIS_RUN, THIS_ATTEMPT, INGESTED_AT, 100)
        # Assess: the stale PENDING claim failed, the WAITING one succeeded, once.
        self.assertEqual([tracked.file_key for tracked in claimed].count(key("pending")), 1)
        self.assertEqual(self.dynamodb.status_of(key("pending")), IN_PROGRESS)

    def test_stops_at_the_limit_and_leaves_the_rest_for_a_follow_up_run(self):
        claimed = self.claim(limit=2)
        self.assertEqual(claimed, [key("dead"), key("pending")])
        self.assertEqual(self.dynamodb.status_of(key("waiting")), WAITING)
        self.assertNotIn(WAITING, self.dynamodb.queries)  # stopped querying once the limit was reached

    def test_follows_query_pagination(self):
        # Prepare: 5 PENDING items, 2 per page.
        dynamodb = FakeDynamoDB([item(f"f{number}", PENDING, f"2025-01-15T05:00:0{number}.000Z") for number in range(5)], page_size=2)
        # Act
        claimed = claim_files(ProcessedFilesTable(dynamodb, TABLE, INDEX), THIS_RUN, THIS_ATTEMPT, INGESTED_AT, 100)
        # Assess
        self.assertEqual([tracked.file_key for tracked in claimed], [key(f"f{number}") for number in range(5)])

    def test_other_dynamodb_errors_propagate(self):
        def throttle(file_key):
            raise FakeClientError("ProvisionedThroughputExceededException")

        self.dynamodb.before_update = throttle
        with self.assertRaises(FakeClientError):
            self.claim()

    def test_an_index_item_without_file_key_is_an_error(self):
        class IndexReturningABrokenItem:
            def query(self, **request):
                return {"Items": [{"status": {"S": request["ExpressionAttributeValues"][":status"]["S"]}}]}

        with self.assertRaisesRegex(ProcessedFilesError, "status index returned an item without file_key or status"):
            claim_files(ProcessedFilesTable(IndexReturningABrokenItem(), TABLE, INDEX), THIS_RUN, THIS_ATTEMPT, INGESTED_AT, 100)


class FinishTest(unittest.TestCase):
    def setUp(self):
        self.dynamodb = FakeDynamoDB([item("a", PENDING), item("b", PENDING)])
        self.table = ProcessedFilesTable(self.dynamodb, TABLE, INDEX)
        claim_files(self.table, THIS_RUN, THIS_ATTEMPT, INGESTED_AT, 100)

    def test_mark_processed_sets_records_and_an_expiry_ttl_days_later(self):
        # Act
        finished = self.table.mark_processed(key("a"), THIS_ATTEMPT, utc(2025, 1, 15, 6, 30), records_written=42, ttl_days=90)
        # Assess: 2025-01-15T06:30Z is 1736922600 s; + 90 × 86400 = 1744698600.
        stored = self.dynamodb.items[key("a")]
        self.assertTrue(finished)
        self.assertEqual(stored["status"], {"S": PROCESSED})
        self.assertEqual(stored["processed_at"], {"S": "2025-01-15T06:30:00.000Z"})
        self.assertEqual(stored["records_written"], {"N": "42"})
        self.assertEqual(stored["expires_at"], {"N": "1744698600"})

    def test_mark_failed_keeps_the_reason_and_sets_no_expiry(self):
        finished = self.table.mark_failed(
            key("b"), THIS_ATTEMPT, utc(2025, 1, 15, 6, 30), "not valid JSON: Expecting value at line 6 column 1"
        )
        stored = self.dynamodb.items[key("b")]
        self.assertTrue(finished)
        self.assertEqual(stored["status"], {"S": FAILED})
        self.assertEqual(stored["error"], {"S": "not valid JSON: Expecting value at line 6 column 1"})
        self.assertNotIn("expires_at", stored)

    def test_mark_partial_keeps_the_counts_and_the_note_and_sets_no_expiry(self):
        # Act
        finished = self.table.mark_partial(
            key("a"),
            THIS_ATTEMPT,
            utc(2025, 1, 15, 6, 30),
            records_written=2,
            entries_quarantined=1,
            note="entries quarantined: 1 (invalid_id 1)",
        )
        # Assess
        stored = self.dynamodb.items[key("a")]
        self.assertTrue(finished)
        self.assertEqual(
            (stored["status"], stored["records_written"], stored["entries_quarantined"], stored["error"]),
            ({"S": PARTIAL}, {"N": "2"}, {"N": "1"}, {"S": "entries quarantined: 1 (invalid_id 1)"}),
        )
        self.assertNotIn("expires_at", stored)

    def test_a_requeued_partial_file_that_lands_whole_loses_its_partial_attributes(self):
        # Prepare: "a" ended PARTIAL, an operator re-queued it (README), the next run claimed it.
        self.table.mark_partial(
            key("a"), THIS_ATTEMPT, INGESTED_AT, records_written=2, entries_quarantined=1, note="entries quarantined: 1"
        )
        self.dynamodb.items[key("a")] = {**self.dynamodb.items[key("a")], "status": {"S": PENDING}}
        claim_files(self.table, "wr_next", "jr_next", INGESTED_AT, 100)
        # Act
        self.table.mark_processed(key("a"), "jr_next", INGESTED_AT, records_written=3, ttl_days=90)
        # Assess
        stored = self.dynamodb.items[key("a")]
        self.assertEqual((stored["status"], stored["records_written"]), ({"S": PROCESSED}, {"N": "3"}))
        self.assertNotIn("entries_quarantined", stored)
        self.assertNotIn("error", stored)

    def test_a_long_error_is_cut_to_fit_the_item(self):
        self.table.mark_failed(key("b"), THIS_ATTEMPT, INGESTED_AT, "x" * 10_000)
        self.assertEqual(len(self.dynamodb.items[key("b")]["error"]["S"]), 2000)

    def test_does_not_finish_a_file_another_run_took_over(self):
        # Prepare: this run stalled; the next run took "a" over.
        claim_files(ProcessedFilesTable(self.dynamodb, TABLE, INDEX), "wr_next", "jr_next", INGESTED_AT, 100)
        # Act
        finished = self.table.mark_processed(key("a"), THIS_ATTEMPT, INGESTED_AT, records_written=1, ttl_days=90)
        # Assess
        self.assertFalse(finished)
        self.assertEqual(self.dynamodb.items[key("a")]["run_id"], {"S": "wr_next"})
        self.assertEqual(self.dynamodb.status_of(key("a")), IN_PROGRESS)

    def test_a_stalled_attempt_cannot_finish_what_its_retry_took_over(self):
        # Prepare: this attempt stalled; Glue's retry (same workflow run) took both files over.
        claim_files(self.table, THIS_RUN, RETRY, INGESTED_AT, 100)
        # Act
        stale = self.table.mark_failed(key("a"), THIS_ATTEMPT, INGESTED_AT, "bad")
        current = self.table.mark_processed(key("b"), RETRY, INGESTED_AT, records_written=2, ttl_days=90)
        # Assess: same run_id on both sides; only the job run id decides.
        self.assertFalse(stale)
        self.assertEqual(self.dynamodb.status_of(key("a")), IN_PROGRESS)
        self.assertNotIn("error", self.dynamodb.items[key("a")])
        self.assertTrue(current)
        self.assertEqual(self.dynamodb.status_of(key("b")), PROCESSED)
        self.assertEqual(self.dynamodb.items[key("b")]["job_run_id"], {"S": RETRY})

    def test_finishes_a_file_only_while_it_is_in_progress(self):
        # Prepare: the file is already PROCESSED by this attempt.
        self.table.mark_processed(key("a"), THIS_ATTEMPT, INGESTED_AT, records_written=1, ttl_days=90)
        # Act
        finished_again = self.table.mark_failed(key("a"), THIS_ATTEMPT, INGESTED_AT, "late failure")
        # Assess
        self.assertFalse(finished_again)
        self.assertEqual(self.dynamodb.status_of(key("a")), PROCESSED)

    def test_a_finished_file_is_never_claimed_again(self):
        self.table.mark_partial(
            key("a"), THIS_ATTEMPT, INGESTED_AT, records_written=1, entries_quarantined=1, note="entries quarantined: 1"
        )
        self.table.mark_failed(key("b"), THIS_ATTEMPT, INGESTED_AT, "bad")
        self.assertEqual(claim_files(ProcessedFilesTable(self.dynamodb, TABLE, INDEX), "wr_next", "jr_next", INGESTED_AT, 100), [])


class IsoTimestampTest(unittest.TestCase):
    def test_uses_the_received_at_format(self):
        self.assertEqual(iso_timestamp(utc(2026, 11, 22, 10, 15, 0)), "2026-11-22T10:15:00.000Z")
        self.assertEqual(iso_timestamp(utc(2026, 11, 22, 10, 15, 0, 987654)), "2026-11-22T10:15:00.987Z")
