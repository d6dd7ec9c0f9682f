package dev.intercept.manifest;

import static dev.intercept.manifest.ProxyNames.API_GROUP;
import static dev.intercept.manifest.ProxyNames.PROXY;
import static dev.intercept.manifest.ProxyNames.RESOURCE;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import java.util.List;

/**
 * RBAC (docs/security.md): the proxy may create token reviews and access reviews; developers and
 * admins get the verbs on {@code intercepts.intercept.dev} in the proxy's namespace, where the
 * proxy asks, by a binding of these Roles (install prints none: who they are is the cluster's).
 */
final class ProxyRbac {
  private static final String REVIEWS = PROXY + "-reviews";

  private ProxyRbac() {}

  static List<ProxyManifests.Doc> of(InstallOptions o) {
    return List.of(
        new ProxyManifests.Doc(
            "--auth=kubernetes: the proxy asks the API server who a token is and what it may do.",
            new ClusterRoleBuilder()
                .withMetadata(
                    new ObjectMetaBuilder()
                        .withName(REVIEWS)
                        .withLabels(ProxyManifests.labels())
                        .build())
                .addNewRule()
                .withApiGroups("authentication.k8s.io")
                .withResources("tokenreviews")
                .withVerbs("create")
                .endRule()
                .addNewRule()
                .withApiGroups("authorization.k8s.io")
                .withResources("subjectaccessreviews")
                .withVerbs("create")
                .endRule()
                .build()),
        new ProxyManifests.Doc(
            null,
            new ClusterRoleBindingBuilder()
                .withMetadata(
                    new ObjectMetaBuilder()
                        .withName(REVIEWS + "-" + o.namespace())
                        .withLabels(ProxyManifests.labels())
                        .build())
                .addNewSubject()
                .withKind("ServiceAccount")
                .withName(PROXY)
                .withNamespace(o.namespace())
                .endSubject()
                .withNewRoleRef()
                .withApiGroup("rbac.authorization.k8s.io")
                .withKind("ClusterRole")
                .withName(REVIEWS)
                .endRoleRef()
                .build()),
        new ProxyManifests.Doc(
            "A developer: register, renew, remove their own intercepts, list (resourceNames ="
                + " app names, to narrow it); find and port-forward to a proxy pod. Bind it: kubectl -n "
                + o.namespace()
                + " create rolebinding intercept-developers --role=intercept-developer"
                + " --group=GROUP",
            role(o, "intercept-developer", "create", "update", "delete", "list")),
        new ProxyManifests.Doc(
            "An admin may also remove anyone's intercept (revoke) and register catch-alls.",
            role(o, "intercept-admin", "create", "update", "delete", "list", "revoke")));
  }

  private static Role role(InstallOptions o, String name, String... verbs) {
    return new RoleBuilder()
        .withMetadata(ProxyManifests.meta(o, name))
        .addNewRule()
        .withApiGroups(API_GROUP)
        .withResources(RESOURCE)
        .withVerbs(verbs)
        .endRule()
        // the client reaches the proxy by port-forward to a ready proxy pod (docs/connect.md);
        // clusters check a WebSocket port-forward as get or as create
        .addNewRule()
        .withApiGroups("")
        .withResources("pods")
        .withVerbs("list")
        .endRule()
        .addNewRule()
        .withApiGroups("")
        .withResources("pods/portforward")
        .withVerbs("get", "create")
        .endRule()
        .build();
  }
}
