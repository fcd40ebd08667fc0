"""The stepper pages (EM in 1-D, EM in 2-D): ``screen`` draws the whole page; ``page`` declares
its state, ``sidebar`` its controls and run, ``view`` the figure, chart and panels (``notes``,
``numbers``, ``formulas``, ``details``, ``mistakes``, ``downloads``, ``probe``), ``lessons``
and ``lesson_presets`` the one-click lessons, ``means_picker`` the hand-placed start."""
