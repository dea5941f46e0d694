import gc

from coopreview.core import middleware


def test_the_warm_heap_is_frozen_once_after_the_set_number_of_responses(client, db, settings, monkeypatch):
    settings.GC_FREEZE_AFTER = 3
    monkeypatch.setitem(middleware._warm_up, "left", None)
    gc.unfreeze()
    frozen = []
    try:
        for _ in range(5):
            client.get("/recommendations/")
            frozen.append(gc.get_freeze_count() > 0)
            gc.unfreeze()  # a second freeze would show again here
    finally:
        gc.unfreeze()

    assert frozen == [False, False, True, False, False]


def test_zero_never_freezes(client, db, settings, monkeypatch):
    settings.GC_FREEZE_AFTER = 0
    monkeypatch.setitem(middleware._warm_up, "left", None)
    gc.unfreeze()

    for _ in range(3):
        client.get("/recommendations/")

    assert gc.get_freeze_count() == 0
