//go:build mage

package main

import "github.com/magefile/mage/sh"

// Clean removes the dev containers.
func Clean() error {
	if err := sh.Run("docker", "rm", "-f", "dev-db"); err != nil { // dg:DG101
		return err
	}
	if err := sh.RunV("docker", "rmi", "-f", "dev:latest"); err != nil { // dg:DG102
		return err
	}
	docker := sh.RunCmd("docker")
	if err := docker("rm", "-f", "dev-cache"); err != nil { // dg:DG101
		return err
	}
	_, err := sh.Output("docker", "ps", "-q") // dg:none
	return err
}
