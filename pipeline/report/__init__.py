"""The auditor's report: static, self-contained HTML pages built from the tables."""

from pipeline.report.build import ReportSummary, build_report
from pipeline.report.model import ReportError

__all__ = ["ReportError", "ReportSummary", "build_report"]
