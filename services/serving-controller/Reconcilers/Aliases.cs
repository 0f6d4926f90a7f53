// The folders Service/, Configuration/, Revision/, Route/, DomainMapping/ are namespaces, so the model's types of the same names
// are reached through these aliases everywhere in the reconcilers.
global using ServingConfiguration = Platform.Resources.Serving.Configuration;
global using ServingDomainMapping = Platform.Resources.Serving.DomainMapping;
global using ServingRevision = Platform.Resources.Serving.Revision;
global using ServingRoute = Platform.Resources.Serving.Route;
global using ServingService = Platform.Resources.Serving.Service;
