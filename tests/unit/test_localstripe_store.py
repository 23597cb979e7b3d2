"""The Stripe stand-in keeps its store in the file it is given, and starts from a broken one."""

from config.localstripe import use_store


def _store_class():
    class Store(dict):
        def __setitem__(self, key, value):
            super().__setitem__(key, value)
            self.dump_to_disk()

    return Store


def test_each_instance_keeps_its_store_in_its_own_file_and_reloads_it(tmp_path):
    # given two instances with their own files
    first, second = _store_class(), _store_class()
    use_store(first, tmp_path / "a.pickle")
    use_store(second, tmp_path / "b.pickle")
    a, b = first(), second()

    # when each writes
    a["cus_1"] = "alice"
    b["cus_2"] = "bob"

    # then a restart of the first sees only its own data
    restarted = _store_class()
    use_store(restarted, tmp_path / "a.pickle")
    reloaded = restarted()
    reloaded.try_load_from_disk()
    assert dict(reloaded) == {"cus_1": "alice"}
    assert not (tmp_path / "a.pickle.partial").exists()


def test_a_truncated_store_is_set_aside_and_the_instance_starts_empty(tmp_path, capsys):
    # given a store file cut short by a crash
    path = tmp_path / "store.pickle"
    path.write_bytes(b"\x80\x05\x95")
    cls = _store_class()
    use_store(cls, path)
    store = cls()

    # when the instance starts
    store.try_load_from_disk()

    # then it is empty, the broken file is kept for inspection, and it says so
    assert dict(store) == {}
    assert (tmp_path / "store.pickle.corrupt").read_bytes() == b"\x80\x05\x95"
    assert "unreadable" in capsys.readouterr().err
    store["cus_1"] = "x"
    assert path.exists()


def test_without_a_store_file_nothing_is_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cls = _store_class()
    use_store(cls, None)
    store = cls()

    store["cus_1"] = "x"
    store.try_load_from_disk()

    assert dict(store) == {"cus_1": "x"}
    assert list(tmp_path.iterdir()) == []
