-- Usable rows of base_npr__child_mental_health_episodes (macros/staging/npr_episodes.sql).
{{ npr_episodes_staged(ref('base_npr__child_mental_health_episodes')) }}
