"""Automation endpoints: follow-up rules (directors), and the tasks and call lists they make
for organisers."""

from datetime import UTC, datetime

from flask.views import MethodView
from flask_smorest import Blueprint

from app.audit.reads import record_bulk_read
from app.auth.access import current_actor, current_user, require
from app.auth.permissions import Permission
from app.automation import queries, rules, worklists
from app.automation.registry import ACTIONS, TRIGGERS
from app.automation.schemas import (
    FollowUpListArgsSchema,
    FollowUpSchema,
    KindsSchema,
    RuleInSchema,
    RuleListArgsSchema,
    RuleSchema,
    RuleUpdateSchema,
    TaskListArgsSchema,
    TaskSchema,
)
from app.core.pagination import page_schema

blp = Blueprint("automation", __name__, url_prefix="/api/v1/automation",
                description="Automatic follow-ups")  # fmt: skip


@blp.route("/kinds", methods=["GET"])
@require(Permission.AUTOMATION_MANAGE)
@blp.response(200, KindsSchema)
def kinds():
    """The triggers (and whether this server has each yet) and actions a rule is made of."""
    return {"triggers": sorted(TRIGGERS.values(), key=lambda k: k.name),
            "actions": sorted(ACTIONS.values(), key=lambda k: k.name)}  # fmt: skip


@blp.route("/rules")
class Rules(MethodView):
    @require(Permission.AUTOMATION_MANAGE)
    @blp.arguments(RuleListArgsSchema, location="query")
    @blp.response(200, page_schema(RuleSchema))
    def get(self, args):
        """The campaign's rules, each with what it did."""
        return queries.list_rules(current_user().organization_id, args)

    @require(Permission.AUTOMATION_MANAGE)
    @blp.arguments(RuleInSchema)
    @blp.response(201, RuleSchema)
    def post(self, body):
        """A rule: a trigger, conditions (a universe filter), a delay and an action."""
        return queries.with_counts([rules.create_rule(current_actor(), body)])[0]


@blp.route("/rules/<id:rule_id>")
class Rule(MethodView):
    @require(Permission.AUTOMATION_MANAGE)
    @blp.response(200, RuleSchema)
    def get(self, rule_id):
        return queries.with_counts([rules.get_rule(current_user().organization_id, rule_id)])[0]

    @require(Permission.AUTOMATION_MANAGE)
    @blp.arguments(RuleUpdateSchema)
    @blp.response(200, RuleSchema)
    def patch(self, changes, rule_id):
        """Change a rule, or turn it off (``is_active``: false; what waits is then skipped)."""
        rule = rules.get_rule(current_user().organization_id, rule_id)
        return queries.with_counts([rules.update_rule(rule, changes)])[0]


@blp.route("/rules/<id:rule_id>/follow-ups", methods=["GET"])
@require(Permission.AUTOMATION_MANAGE)
@blp.arguments(FollowUpListArgsSchema, location="query")
@blp.response(200, page_schema(FollowUpSchema))
def follow_ups(args, rule_id):
    """Who entered the rule, and what it did for each (audited)."""
    rule = rules.get_rule(current_user().organization_id, rule_id)
    page = queries.follow_ups(rule, args)
    record_bulk_read("automation.follow_ups", entity=rule, filter=args, rows=len(page.items))
    return page


@blp.route("/tasks", methods=["GET"])
@require(Permission.TASKS_WORK)
@blp.arguments(TaskListArgsSchema, location="query")
@blp.response(200, page_schema(TaskSchema))
def tasks(args):
    """My open tasks (``done``: the finished ones; directors: ``scope=all``)."""
    return worklists.tasks(current_user(), args)


@blp.route("/tasks/<id:task_id>/done", methods=["POST"])
@require(Permission.TASKS_WORK)
@blp.response(200, TaskSchema)
def finish_task(task_id):
    return worklists.finish_task(current_user(), task_id, datetime.now(UTC))
