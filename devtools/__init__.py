"""Development tools shared by the tests and the benchmarks (neither imports the other).

- ``sklearn_reference``: scikit-learn stepped one EM iteration at a time from a given start;
- ``browser``: a fresh `streamlit run` per test or benchmark, and Debian's headless Chromium;
- ``redis_server``: a throw-away redis-server on a free loopback port;
- ``ports``: a free TCP port on the loopback interface.
"""
