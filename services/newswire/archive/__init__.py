"""The archive stage: WARC files of ``pages.raw``, and the commands that read them back.

* :mod:`.warc_format` — a page to WARC records and back (pure);
* :mod:`.archive_file` — file names, durable appends, rotation, crash recovery;
* :mod:`.app` — ``newswire archive``, the consumer group that writes the files;
* :mod:`.importer` — ``newswire import-warc``, WARC responses into ``pages.raw``;
* :mod:`.reparse` — ``newswire reparse``, extraction again after an extractor upgrade.
"""
