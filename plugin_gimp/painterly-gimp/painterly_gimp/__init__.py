"""Painterly's GIMP 3 plug-in: Filters > Artistic > Neural Style Transfer.

Modules, in the order a run uses them:
- `arguments`: the procedure's PDB signature, read into a `request.JobRequest` (plain data: styles, settings,
  the result layer's name);
- `dialog`: interactive mode, with `library` (the daemon's styles);
- `painting`: one painting after the dialog: the steps below, in order;
- `source`: the drawable's pixels to send; `styles`: style image files and library styles;
- `job`: runs the daemon job through `runner`, a helper process that owns the daemon connection (and follows the
  job with painterly_wire's JobFollower), talking to it through `pipe_records`;
- `preview_layer`: the job's previews in a temporary layer (undo frozen meanwhile); `result_layer`: the new layer
  above the source.
`formats` maps wire pixel types to GEGL formats, `location` knows the plug-in's folder. What both plugins share
(presets, resolutions, sizes, layer names, progress words, starting the daemon, following a job, ArtistError) is in
painterly_wire.
`request`, `library`, `pipe_records`, `runner` and `formats` import no GIMP, so they are tested outside it.

Importing the package puts the vendored packages (pyzmq, msgpack, painterly_wire) on sys.path.
"""

from painterly_gimp.location import use_vendored_packages

use_vendored_packages()
