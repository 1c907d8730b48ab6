"""The settlement capacity planner (issue 14 item 4): a settlement plan in, expected contacts per municipality
and calendar month out, from the warehouse's observed rates.

`python -m planner --plan my_plan.csv` (or `make plan PLAN=my_plan.csv`) checks the plan, then builds only the
planner's dbt models (tag `planner`) against an existing warehouse, and writes the result as CSV.
"""
