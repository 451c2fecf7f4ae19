"""Painterly's GIMP 3 plug-in: Filters > Artistic > Neural Style Transfer.

Modules, in the order a run uses them:
- `arguments`: the procedure's PDB signature and the job a config asks for;
- `dialog`: interactive mode;
- `source`: the drawable's pixels to send; `styles`: style image files and library styles;
- `job`: runs the daemon job through `runner`, a helper process that owns the daemon connection, talking to it
  through `pipe_records`;
- `result_layer`: the new layer above the source.
`formats` maps wire pixel types to GEGL formats, `errors` holds the exception that carries a message for the
artist, `location` knows the plug-in's folder.

Importing the package puts the vendored packages (pyzmq, msgpack, painterly_wire) on sys.path.
"""

from painterly_gimp.location import use_vendored_packages

use_vendored_packages()
