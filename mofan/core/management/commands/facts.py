from django.core.management.base import BaseCommand

from mofan.core.facts import facts


class Command(BaseCommand):
    help = "列出所有统计指标（facts）：编码、名称、单位、所属模块；输出 Markdown 表格，用于 docs/FACTS.md"

    def handle(self, *args, **options):
        self.stdout.write(facts_table())


def facts_table() -> str:
    lines = ["| 编码 | 名称 | 单位 | 模块 | 比率的分子 / 分母 |", "|---|---|---|---|---|"]
    for fact in facts():
        parts = f"{fact.numerator} / {fact.denominator}" if fact.is_rate else ""
        lines.append(f"| `{fact.code}` | {fact.label} | {fact.unit} | {fact.module} | {parts} |")
    return "\n".join(lines)
