import pytest

from maatwerk.engine import _compiled


@pytest.fixture(scope="session", autouse=True)
def compiled_kernels():
    """Compile the numba kernels once before the tests: a first call inside a hypothesis example would
    otherwise count the compilation against the example's deadline."""
    _compiled.warm_up()
