// The guard that keeps mqchatctl, run as root, from creating an SQLite database the broker
// cannot write: Debian's mosquitto runs as user mosquitto, and a root-owned mqchat.db makes it
// fail with "attempt to write a readonly database".
#pragma once

#include "mqchat/status.h"
#include "store/store_config.h"

namespace mqchat::ctl {

// kPermissionDenied when this process runs as root, `store` is an SQLite file that does not
// exist yet, and the folder it would be created in belongs to another user (the broker's, as
// /var/lib/mosquitto does): the message names the file and says to run mqchatctl as that user.
// OK otherwise (not root, PostgreSQL, the file exists, or root owns the folder, so the broker
// runs as root too, as scripts/run.sh does when started by root).
//
// Refusing is chosen over creating the file and giving it to the folder's owner: root creating
// and chowning a file in a folder another user controls can be steered by a link that user
// plants there (the chown would hand them whatever file the link points at).
Status CheckRootMayCreate(const store::StoreConfig& store);

}  // namespace mqchat::ctl
