"""Vocabulary of the synthetic catalogues: (English, French) pairs and sentence templates.

Slots: ``{op}`` operation, ``{res}`` resource, ``{comp}`` component, ``{prob}`` problem,
``{term}`` a product or feature name (drawn from a pool that grows with the catalogue),
``{name}`` a resource name (masked by the normaliser, as in real messages).
"""

from __future__ import annotations

CATEGORIES: tuple[tuple[str, str, str], ...] = (
    ("backup", "Backup", "Sauvegarde"), ("site-recovery", "Site Recovery", "Site Recovery"),
    ("storage", "Storage", "Stockage"), ("compute", "Compute", "Calcul"), ("networking", "Networking", "Réseau"),
    ("key-vault", "Key Vault", "Key Vault"), ("sql", "SQL", "SQL"), ("aks", "Kubernetes Service", "Kubernetes Service"),
    ("app-service", "App Service", "App Service"), ("monitor", "Monitor", "Monitor"), ("identity", "Identity", "Identité"),
    ("cosmos-db", "Cosmos DB", "Cosmos DB"), ("functions", "Functions", "Functions"), ("event-hubs", "Event Hubs", "Event Hubs"),
    ("service-bus", "Service Bus", "Service Bus"), ("firewall", "Firewall", "Pare-feu"), ("dns", "DNS", "DNS"),
    ("load-balancer", "Load Balancer", "Équilibreur de charge"), ("vpn-gateway", "VPN Gateway", "Passerelle VPN"),
    ("automation", "Automation", "Automation"),
)

OPERATIONS: tuple[tuple[str, str], ...] = (
    ("backup", "sauvegarde"), ("restore", "restauration"), ("snapshot", "capture instantanée"),
    ("replication", "réplication"), ("failover", "basculement"), ("deployment", "déploiement"),
    ("scale-out", "montée en charge"), ("key rotation", "rotation de clé"), ("registration", "inscription"),
    ("provisioning", "approvisionnement"), ("migration", "migration"), ("update", "mise à jour"),
    ("encryption", "chiffrement"), ("validation", "validation"), ("export", "exportation"), ("import", "importation"),
    ("configuration", "configuration"), ("synchronization", "synchronisation"), ("cleanup", "nettoyage"),
    ("health check", "vérification d’intégrité"),
)

RESOURCES: tuple[tuple[str, str], ...] = (
    ("virtual machine", "machine virtuelle"), ("storage account", "compte de stockage"),
    ("Recovery Services vault", "coffre Recovery Services"), ("backup vault", "coffre de sauvegarde"),
    ("managed disk", "disque managé"), ("key vault", "coffre de clés"), ("network interface", "interface réseau"),
    ("virtual network", "réseau virtuel"), ("subnet", "sous-réseau"), ("load balancer", "équilibreur de charge"),
    ("application gateway", "passerelle d’application"), ("SQL database", "base de données SQL"),
    ("SQL managed instance", "instance managée SQL"), ("Cosmos DB account", "compte Cosmos DB"),
    ("AKS cluster", "cluster AKS"), ("node pool", "pool de nœuds"), ("container registry", "registre de conteneurs"),
    ("function app", "application de fonction"), ("web app", "application web"), ("App Service plan", "plan App Service"),
    ("event hub", "hub d’événements"), ("Service Bus namespace", "espace de noms Service Bus"),
    ("private endpoint", "point de terminaison privé"), ("DNS zone", "zone DNS"), ("public IP address", "adresse IP publique"),
    ("route table", "table de routage"), ("network security group", "groupe de sécurité réseau"),
    ("firewall policy", "stratégie de pare-feu"), ("VPN gateway", "passerelle VPN"), ("ExpressRoute circuit", "circuit ExpressRoute"),
    ("Log Analytics workspace", "espace de travail Log Analytics"), ("automation account", "compte Automation"),
    ("disk encryption set", "jeu de chiffrement de disque"), ("availability set", "groupe à haute disponibilité"),
    ("scale set", "groupe identique"), ("image gallery", "galerie d’images"), ("file share", "partage de fichiers"),
    ("blob container", "conteneur d’objets blob"), ("recovery point", "point de récupération"),
    ("backup policy", "stratégie de sauvegarde"), ("protection container", "conteneur de protection"),
    ("restore point collection", "collection de points de restauration"), ("dedicated host", "hôte dédié"),
    ("managed identity", "identité managée"), ("data factory", "fabrique de données"),
)

COMPONENTS: tuple[tuple[str, str], ...] = (
    ("guest agent", "agent invité"), ("backup extension", "extension de sauvegarde"),
    ("resource provider", "fournisseur de ressources"), ("control plane", "plan de contrôle"),
    ("data plane", "plan de données"), ("storage service", "service de stockage"),
    ("metadata service", "service de métadonnées"), ("token service", "service de jetons"),
    ("DNS resolver", "résolveur DNS"), ("replication engine", "moteur de réplication"),
    ("snapshot provider", "fournisseur d’instantanés"), ("VSS writer", "enregistreur VSS"),
    ("encryption service", "service de chiffrement"), ("certificate store", "magasin de certificats"),
    ("health probe", "sonde d’intégrité"), ("scheduler", "planificateur"), ("deployment engine", "moteur de déploiement"),
    ("policy engine", "moteur de stratégie"), ("quota service", "service de quotas"),
    ("identity provider", "fournisseur d’identité"), ("monitoring agent", "agent de supervision"),
    ("update orchestrator", "orchestrateur de mises à jour"),
)

PROBLEMS: tuple[tuple[str, str], ...] = (
    ("did not respond in time", "n’a pas répondu à temps"), ("returned an unexpected status", "a renvoyé un état inattendu"),
    ("is not reachable from the virtual network", "n’est pas accessible depuis le réseau virtuel"),
    ("rejected the request", "a rejeté la demande"), ("is in a failed provisioning state", "est dans un état d’approvisionnement en échec"),
    ("has reached its limit", "a atteint sa limite"), ("is locked by another operation", "est verrouillé par une autre opération"),
    ("could not validate the certificate", "n’a pas pu valider le certificat"), ("lost its connection", "a perdu sa connexion"),
    ("is disabled for this subscription", "est désactivé pour cet abonnement"),
    ("does not have the required permissions", "ne dispose pas des autorisations requises"),
    ("is not registered", "n’est pas inscrit"), ("was deleted or moved", "a été supprimé ou déplacé"),
    ("is out of date", "n’est pas à jour"), ("ran out of capacity", "n’a plus de capacité"),
    ("reported a checksum mismatch", "a signalé une somme de contrôle incorrecte"),
    ("is throttling requests", "limite le nombre de requêtes"), ("could not read its configuration", "n’a pas pu lire sa configuration"),
)

TEMPLATES: tuple[tuple[str, str], ...] = (
    ("The {op} operation failed because the {comp} of the {res} '{name}' {prob}.",
     "L’opération de {op} a échoué, car le composant {comp} de la ressource {res} « {name} » {prob}."),
    ("Unable to complete the {op}: the {term} {comp} {prob}.",
     "Impossible de terminer l’opération de {op} : le composant {term} {comp} {prob}."),
    ("{Op} of {res} '{name}' failed. The {term} service {prob}.",
     "Échec de l’opération de {op} sur la ressource {res} « {name} ». Le service {term} {prob}."),
    ("The {res} '{name}' cannot be used for {op} because the {comp} {prob}.",
     "La ressource {res} « {name} » ne peut pas être utilisée pour l’opération de {op}, car le composant {comp} {prob}."),
    ("Error during {op}: {term} reported that the {res} {prob}.",
     "Erreur pendant l’opération de {op} : {term} signale que la ressource {res} {prob}."),
    ("The {comp} {prob} while the {op} of the {res} was in progress ({term}).",
     "Le composant {comp} {prob} pendant l’opération de {op} de la ressource {res} ({term})."),
)

BOILERPLATE: tuple[tuple[str, str], ...] = (
    ("Please retry the operation in a few minutes.", "Retentez l’opération dans quelques minutes."),
    ("If the problem persists, contact Microsoft Support.", "Si le problème persiste, contactez le support Microsoft."),
    ("Check the activity log of the resource for details.", "Consultez le journal d’activité de la ressource pour plus de détails."),
    ("Make sure that the resource is running and try again.", "Vérifiez que la ressource est en cours d’exécution, puis réessayez."),
    ("For more information, see https://aka.ms/azure-troubleshoot.", "Pour plus d’informations, consultez https://aka.ms/azure-troubleshoot."),
)

CODE_PREFIXES = ("UserError", "BackupError", "Error", "ExtensionError", "ServiceError", "Operation", "Resource")
WEAK_CODES = ("InternalError", "BadRequest", "Conflict", "OperationNotAllowed", "ResourceNotFound")
NAMES = ("vm-sql-01", "vm-web-03", "srv-erp-prod", "st-backup-weu", "kv-prod-01", "aks-east-2", "rsv-prod-weu")
SYLLABLES = tuple(c + v for c in "bcdfgklmnprstvz" for v in "aeiou") + ("ex", "on", "ar", "is", "ul")
