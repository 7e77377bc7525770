"""The language a job's codeType belongs to, which most interceptors switch on
(`linkis.codeType.language.relation`, CodeAndRunTypeUtils.scala:34-37, 120-127;
docs/reference/linkis-interceptors.md §3.2)."""

from __future__ import annotations

SQL, PYTHON, SCALA, JAVA, SHELL, JSON = "sql", "python", "scala", "java", "shell", "json"
CODE_TYPES = {
    SQL: ("sql", "hql", "jdbc", "hive", "psql", "fql", "tsql", "nebula", "ngql", "aisql",
          "starrocks"),
    PYTHON: ("python", "py", "pyspark", "py3"),
    JAVA: ("java",),
    SCALA: ("scala",),
    SHELL: ("sh", "shell"),
    JSON: ("json", "data_calc"),
}  # fmt: skip
LANGUAGE_OF = {code_type: language for language, types in CODE_TYPES.items() for code_type in types}


def language_of(code_type: str | None) -> str:
    """The language of a codeType, case-insensitively; "" for none (blank or unknown)."""
    if code_type is None or not code_type.strip():
        return ""
    return LANGUAGE_OF.get(code_type.lower(), "")
