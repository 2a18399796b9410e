"""Door knocks as recorded, the notes left about places, and the result codes they carry:
the records the field-work rooms above (turfs, walk lists, canvass) all read."""
