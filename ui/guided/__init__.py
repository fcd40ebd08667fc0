"""The page "Guided lessons": a course for a student studying alone (issue #15).

- ``content``: the lessons as data (``assets/lessons/*.toml``, read with ``tomllib``): texts,
  questions, answers, tolerances and feedback, which a lecturer can edit;
- ``models``: the computations behind each lesson (``gmm_core`` and ``ui.figures``), which
  give every number, answer and figure a lesson shows;
- ``checking``: answers checked against the models (typed numbers through
  ``ui.kit.user_input``), with the likely misconception named when an answer is wrong;
- ``resume``: the resume link (lesson, step and answers in the query string);
- ``state``, ``inputs``, ``view``: the Streamlit side.
"""
